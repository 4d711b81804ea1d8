// Package events is hexkit's typed publish/subscribe protocol.
//
// Typed events are encoded into [Message] values, the erased wire form that
// providers carry: a topic, an ASCII key, the event type, an event id, a
// correlation id, user headers and a payload. Providers implement [Sender]
// for publishing and call a [MessageHandler] for every delivered message.
//
// The typed layer (publishers, handlers, the router and codecs), the
// in-memory broker and the conformance suite are being built on top of
// these types.
package events
