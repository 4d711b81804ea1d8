package events

import "fmt"

// Decode turns a message back into a typed delivery, as the router does
// before calling a handler: useful in tests that inspect what was
// published (memevents' Broker.Messages) and in tools that read messages
// outside a router. It fails when the message's type is not E's, and with a
// *PayloadError wrapping ErrMalformedPayload when the payload does not
// decode. The only option is [WithCodec]; the default is [JSONCodec].
func Decode[E Event](m *Message, opts ...HandleOption) (Delivery[E], error) {
	codec, err := handleCodec[E](opts)
	if err != nil {
		return Delivery[E]{}, err
	}
	typ, err := eventTypeOf[E]()
	if err != nil {
		return Delivery[E]{}, err
	}
	if m.Type != typ {
		return Delivery[E]{}, fmt.Errorf("events: Decode: message %s has type %q, not %q", m.EventID, m.Type, typ)
	}
	return decode(codec, m)
}

// decode decodes m's payload with codec into a delivery.
func decode[E Event](codec Codec[E], m *Message) (Delivery[E], error) {
	e, err := codec.Decode(m.Payload)
	if err != nil {
		return Delivery[E]{}, &PayloadError{Op: "decode", Topic: m.Topic, Type: m.Type, EventID: m.EventID, Err: err}
	}
	return Delivery[E]{
		Event:         e,
		Topic:         m.Topic,
		Key:           m.Key,
		Type:          m.Type,
		EventID:       m.EventID,
		CorrelationID: m.CorrelationID,
		Headers:       m.Headers,
		Timestamp:     m.Timestamp,
	}, nil
}
