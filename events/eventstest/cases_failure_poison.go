package eventstest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func testPoisonPayload(e *env) {
	s := newFailSetup(e, 1)
	calls := newCollector[int]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		calls.add(d.Event.Seq)
		return nil
	})
	dl := s.deadLetters()
	s.start(s.handler(r, 5, false))
	send := func(payload string) {
		err := e.h.Sender().Send(e.ctx(), &events.Message{
			Topic: s.topic, Key: "k", Type: testEvent{}.EventType(), EventID: events.NewEventID(),
			CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(payload),
		})
		if err != nil {
			e.t.Fatalf("Send(%s) = %v", payload, err)
		}
	}
	send(`{"seq": 1`)               // not JSON
	send(`{"seq": "not a number"}`) // does not fit the event type
	send(`{"seq": 2}`)
	dls := dl.waitN(e.t, "undecodable payloads go to the DLQ", 2)
	if got := calls.waitN(e.t, "the subscriber survives poison and goes on", 1); got[0] != 2 {
		e.t.Errorf("handler saw %v, want only event 2", got)
	}
	for _, d := range dls {
		checkDeadLetter(e.t, d, s, "k", "", "*events.PayloadError", "cannot decode")
	}
	if string(dls[0].Payload) != `{"seq": 1` || string(dls[1].Payload) != `{"seq": "not a number"}` {
		e.t.Errorf("dead letter payloads = %q, %q: want the original bytes", dls[0].Payload, dls[1].Payload)
	}
}

func testPoisonHeaders(e *env) {
	raw, ok := e.h.(RawSender)
	if !e.f.RawSend || !ok {
		e.t.Skip("Features.RawSend is false: the transport cannot carry messages with broken headers")
	}
	s := newFailSetup(e, 1)
	handled := newCollector[string]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		id, _ := hexkit.CorrelationID(ctx)
		handled.add(fmt.Sprintf("%s:%d:%s", d.Key, d.Event.Seq, id))
		return nil
	})
	dl := s.deadLetters()
	s.start(s.handler(r, 3, false))
	msg := func(key, typ, id, corr string, seq int) *events.Message {
		return &events.Message{Topic: s.topic, Key: key, Type: typ, EventID: id, CorrelationID: corr,
			Payload: fmt.Appendf(nil, `{"seq": %d}`, seq)}
	}
	typ, corr := testEvent{}.EventType(), hexkit.NewCorrelationID()
	err := raw.SendRaw(e.ctx(),
		msg("k", "", events.NewEventID(), corr, 1),            // no type
		msg("k", typ, "not-a-uuid", corr, 2),                  // invalid event id
		msg("k", typ, "", corr, 3),                            // no event id
		msg("k\u00e9", typ, events.NewEventID(), corr, 4),     // non-ASCII key
		msg("k", typ, events.NewEventID(), "", 5),             // no correlation id: gets a fresh one
		msg("k", typ, events.NewEventID(), "not-a-uuid-1", 6), // invalid correlation id: idem
		msg("k", typ, events.NewEventID(), corr, 7),
	)
	if err != nil {
		e.t.Fatalf("SendRaw = %v", err)
	}
	dls := dl.waitN(e.t, "messages with broken headers go to the DLQ", 4)
	got := handled.waitN(e.t, "the subscriber goes on after poison", 3)
	for _, h := range got {
		parts := strings.Split(h, ":")
		if parts[0] != "k" || hexkit.ValidateCorrelationID(parts[2]) != nil {
			e.t.Errorf("handled %q: want key k and a valid correlation id in the handler's context", h)
		}
	}
	if seqs := []string{strings.Split(got[0], ":")[1], strings.Split(got[1], ":")[1], strings.Split(got[2], ":")[1]}; !slices.Equal(seqs, []string{"5", "6", "7"}) {
		e.t.Errorf("handled events %v, want 5, 6, 7", seqs)
	}
	want := []struct{ key, typ, origID, msg string }{
		{"k", events.UnknownType, "", "type"},
		{"k", typ, "not-a-uuid", "event_id"},
		{"k", typ, "", "event_id"},
		{`k\u00e9`, typ, "", "key"},
	}
	for i, w := range want {
		d := dls[i]
		if d.Key != w.key || d.Type != w.typ || (w.origID != "" && d.OriginalEventID != w.origID) {
			e.t.Errorf("dead letter %d: key %q type %q original_event_id %q, want %q %q %q", i, d.Key, d.Type, d.OriginalEventID, w.key, w.typ, w.origID)
		}
		if !strings.Contains(d.ExcMsg, w.msg) || d.ExcClass != "*events.ValidationError" || d.CorrelationID != corr {
			e.t.Errorf("dead letter %d: exc_class %q exc_msg %q correlation %q, want *events.ValidationError about %q with the original correlation id", i, d.ExcClass, d.ExcMsg, d.CorrelationID, w.msg)
		}
	}

	// A strict router refuses a missing correlation id: the message is
	// poison and goes to the DLQ with a fresh correlation id.
	s2 := newFailSetup(e, 1)
	strict := newRouter(events.WithStrictCorrelationID())
	events.Handle(strict, s2.topic, func(ctx context.Context, d events.Delivery[testEvent]) error { return nil })
	dl2 := s2.deadLetters()
	s2.start(s2.handler(strict, 3, false))
	if err := raw.SendRaw(e.ctx(), &events.Message{Topic: s2.topic, Key: "k", Type: typ, EventID: events.NewEventID(), Payload: []byte(`{}`)}); err != nil {
		e.t.Fatalf("SendRaw = %v", err)
	}
	d := dl2.waitN(e.t, "a strict router's refusal of a missing correlation id is poison", 1)[0]
	if d.ExcClass != "*events.ValidationError" || !strings.Contains(d.ExcMsg, "correlation_id") || hexkit.ValidateCorrelationID(d.CorrelationID) != nil {
		e.t.Errorf("dead letter exc_class %q exc_msg %q correlation %q, want a ValidationError about correlation_id and a fresh valid id", d.ExcClass, d.ExcMsg, d.CorrelationID)
	}
}
