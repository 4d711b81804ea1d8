// Package events will hold hexkit's typed publish/subscribe protocol: the
// Event constraint, typed publishers and handlers, a router that dispatches
// a topic's messages by event type, and the wire format shared with Python
// hexkit.
//
// This package is a placeholder: it has no code yet. The protocol lands with
// its own issue, together with an in-memory broker and a conformance suite.
package events
