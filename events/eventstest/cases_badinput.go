package eventstest

import (
	"errors"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func testBadInputOnPublish(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	e.subscribe(e.name("g"), []string{topic}, r)
	ctx := e.ctx()
	p := e.publisher(topic)

	invalid := []struct {
		name  string
		key   string
		opts  []events.PublishOption
		field string
	}{
		{"non-ASCII key", "schlüssel", nil, "key"},
		{"control character in key", "a\x00b", nil, "key"},
		{"non-ASCII header value", "k", []events.PublishOption{events.WithHeaders(map[string]string{"h": "wert-ä"})}, "header"},
		{"non-ASCII header name", "k", []events.PublishOption{events.WithHeaders(map[string]string{"hä": "v"})}, "header"},
		{"reserved header", "k", []events.PublishOption{events.WithHeaders(map[string]string{events.HeaderType: "x"})}, "header"},
		{"invalid event id", "k", []events.PublishOption{events.WithEventID("not-a-uuid")}, events.HeaderEventID},
	}
	for _, c := range invalid {
		err := p.Publish(ctx, c.key, testEvent{Key: c.key, Seq: -1}, c.opts...)
		var ve *events.ValidationError
		if !errors.Is(err, events.ErrInvalidMessage) || !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("Publish with %s = %v, want a *events.ValidationError on %q wrapping events.ErrInvalidMessage", c.name, err, c.field)
		}
	}
	// A payload string that is not UTF-8 would arrive rewritten (U+FFFD):
	// refused before sending, on every provider.
	if err := p.Publish(ctx, "k", testEvent{Key: "k\xff", Seq: -1}); !errors.Is(err, events.ErrInvalidMessage) || !errors.Is(err, events.ErrInvalidUTF8) {
		t.Errorf("Publish of an event holding invalid UTF-8 = %v, want an error wrapping events.ErrInvalidMessage and events.ErrInvalidUTF8", err)
	}
	bad := &events.Message{Topic: topic, Key: "ключ", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{"key":"x","seq":-1}`)}
	if err := e.h.Sender().Send(ctx, bad); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("Sender.Send with a non-ASCII key = %v, want an error wrapping events.ErrInvalidMessage: providers validate too", err)
	}
	badTopic := *bad
	badTopic.Key, badTopic.Topic = "k", topic+"-ü"
	if err := e.h.Sender().Send(ctx, &badTopic); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("Sender.Send with a non-ASCII topic = %v, want an error wrapping events.ErrInvalidMessage", err)
	}

	// A batch with one invalid event: the others are sent, the bad one is
	// reported at its index.
	goodIDs := []string{events.NewEventID(), events.NewEventID()}
	err := p.PublishBatch(ctx,
		events.Keyed[testEvent]{Key: "k", Event: testEvent{Key: "k", Seq: 0}, EventID: goodIDs[0]},
		events.Keyed[testEvent]{Key: "kä", Event: testEvent{Key: "kä", Seq: -1}},
		events.Keyed[testEvent]{Key: "k", Event: testEvent{Key: "k", Seq: 1}, EventID: goodIDs[1]},
	)
	var be *events.BatchError
	if !errors.As(err, &be) || len(be.Errs) != 3 || be.Errs[0] != nil || !errors.Is(be.Errs[1], events.ErrInvalidMessage) || be.Errs[2] != nil {
		t.Errorf("PublishBatch with an invalid second event = %v, want a *events.BatchError with only Errs[1] set, wrapping ErrInvalidMessage", err)
	}
	// A sentinel event on the same partition: once it is handled, anything
	// sent before it would have been too.
	ids := append(goodIDs, publish(t, ctx, p, "k", 2, 1)...)
	recs := rec.waitFor(t, "the valid events of a batch must be delivered", hasAll(ids))
	for _, r := range recs {
		if r.d.Event.Seq < 0 {
			t.Errorf("an invalid event was delivered (key %q): invalid events must not be sent", r.d.Key)
		}
	}
}

func testBadPayloadOnDelivery(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	g := &gate{next: r, failures: map[string][]error{}}
	e.subscribe(e.name("g"), []string{topic}, g)
	ctx := e.ctx()

	payloads := []string{`{"key":"k","seq":`, `[1,2,3]`, `"text"`, `{"key":"k","seq":"not a number"}`}
	var badIDs []string
	for _, pl := range payloads {
		m := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
			CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(pl)}
		if err := e.h.Sender().Send(ctx, m); err != nil {
			t.Fatalf("Sender.Send with payload %q = %v: the transport carries any payload", pl, err)
		}
		badIDs = append(badIDs, m.EventID)
	}
	ids := publish(t, ctx, e.publisher(topic), "k", 0, 1)
	rec.waitFor(t, "an event after undecodable payloads must be delivered once they were handed off: nothing may be lost", hasAll(ids))
	for i, id := range badIDs {
		errs := g.errs(id)
		if len(errs) < 2 {
			t.Errorf("payload %q: the router returned %d errors; it must return an error, and the message must be redelivered rather than acknowledged", payloads[i], len(errs))
			continue
		}
		var pe *events.PayloadError
		if !errors.Is(errs[0], events.ErrMalformedPayload) || !errors.As(errs[0], &pe) || pe.EventID != id || pe.Topic != topic {
			t.Errorf("payload %q: the router returned %v, want a *events.PayloadError for event %s wrapping events.ErrMalformedPayload", payloads[i], errs[0], id)
		}
	}
}

func testMissingHeaders(e *env) {
	t := e.t
	raw, ok := e.h.(RawSender)
	if !e.f.RawSend || !ok {
		t.Skip("the harness does not implement RawSender (Features.RawSend)")
	}
	topic := e.topic(1)
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	g := &gate{next: r, failures: map[string][]error{}}
	e.subscribe(e.name("g"), []string{topic}, g)
	ctx := e.ctx()

	noType := &events.Message{Topic: topic, Key: "k", EventID: events.NewEventID(), CorrelationID: hexkit.NewCorrelationID(),
		Payload: []byte(`{"key":"k","seq":-1}`)}
	noCID := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		Payload: []byte(`{"key":"k","seq":0}`)}
	if err := raw.SendRaw(ctx, noType, noCID); err != nil {
		t.Fatalf("SendRaw = %v", err)
	}
	recs := rec.waitFor(t, "an event without correlation id must be handled under a fresh one, after an event without type was refused and handed off",
		hasAll([]string{noCID.EventID}))
	errs := g.errs(noType.EventID)
	var ve *events.ValidationError
	if len(errs) < 2 || !errors.As(errs[0], &ve) || ve.Field != "type" || !errors.Is(errs[0], events.ErrInvalidMessage) {
		t.Errorf("a message without type header: router errors %v, want a *events.ValidationError on \"type\" wrapping ErrInvalidMessage, redelivered (not acknowledged)", errs)
	}
	for _, r := range recs {
		if err := hexkit.ValidateCorrelationID(r.d.CorrelationID); err != nil || r.ctxCID != r.d.CorrelationID {
			t.Errorf("event without correlation id delivered with %q (ctx %q): the router must generate a valid one", r.d.CorrelationID, r.ctxCID)
		}
	}
}
