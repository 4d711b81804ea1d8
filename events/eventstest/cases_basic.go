package eventstest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func testRoundTrip(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	e.subscribe(e.name("g"), []string{topic}, r)

	ctx := e.ctx()
	p := e.publisher(topic)
	want := []testEvent{{Key: "a", Seq: 0, Text: "hello"}, {Key: "b", Seq: 1}, {Key: "a", Seq: 2, Text: "grüße, ✓ 世界"}}
	for _, ev := range want {
		if err := p.Publish(ctx, ev.Key, ev); err != nil {
			t.Fatalf("Publish(%+v) = %v", ev, err)
		}
	}
	recs := rec.waitFor(t, "every published event must be delivered to the subscriber", func(r []record) bool { return len(r) >= len(want) })
	var got []testEvent
	for _, r := range recs {
		got = append(got, r.d.Event)
		if r.d.Topic != topic || r.d.Key != r.d.Event.Key || r.d.Type != (testEvent{}).EventType() {
			t.Errorf("delivery has topic %q, key %q, type %q; want %q, %q, %q: topic, key and type must arrive as published",
				r.d.Topic, r.d.Key, r.d.Type, topic, r.d.Event.Key, (testEvent{}).EventType())
		}
	}
	sortEvents(got)
	if diff := diff(want, got); diff != "" {
		t.Errorf("delivered events differ from the published ones, or arrive more than once without a failure (-want +got):\n%s", diff)
	}
}

func sortEvents(evs []testEvent) {
	slices.SortFunc(evs, func(a, b testEvent) int { return a.Seq - b.Seq })
}

func testRoutingByType(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	var mu sync.Mutex
	var others []otherEvent
	var unknown []*events.Message
	r := newRouter(events.WithUnknownType(func(ctx context.Context, m *events.Message) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, m)
		return nil
	}))
	events.Handle(r, topic, rec.handler("m", nil))
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[otherEvent]) error {
		mu.Lock()
		defer mu.Unlock()
		others = append(others, d.Event)
		return nil
	})
	if got := r.Topics(); !slices.Equal(got, []string{topic}) {
		t.Errorf("Router.Topics() = %v, want [%s]", got, topic)
	}
	e.subscribe(e.name("g"), []string{topic}, r)

	ctx := e.ctx()
	pa := e.publisher(topic)
	pb, err := events.NewPublisher[otherEvent](senderDriver{e.h.Sender()}, topic)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := events.NewPublisher[strayEvent](senderDriver{e.h.Sender()}, topic)
	if err != nil {
		t.Fatal(err)
	}
	// One key, so one partition: the last event arriving proves the ones
	// before it were dispatched (or skipped) already.
	if err := pa.Publish(ctx, "k", testEvent{Key: "k", Seq: 0}); err != nil {
		t.Fatal(err)
	}
	if err := ps.Publish(ctx, "k", strayEvent{N: 7}); err != nil {
		t.Fatal(err)
	}
	if err := pb.Publish(ctx, "k", otherEvent{N: 1}); err != nil {
		t.Fatal(err)
	}
	if err := pa.Publish(ctx, "k", testEvent{Key: "k", Seq: 1}); err != nil {
		t.Fatal(err)
	}
	rec.waitFor(t, "events of a type with a handler must reach it, and an event of an unknown type must not block the ones after it",
		func(r []record) bool { return len(r) >= 2 })
	mu.Lock()
	defer mu.Unlock()
	if diff := diff([]otherEvent{{N: 1}}, others); diff != "" {
		t.Errorf("the handler of %q must receive exactly the events of its type (-want +got):\n%s", (otherEvent{}).EventType(), diff)
	}
	if len(unknown) != 1 || unknown[0].Type != (strayEvent{}).EventType() || string(unknown[0].Payload) != `{"n":7}` {
		t.Errorf("the unknown-type hook must see the one event without handler, with its type and payload; got %d messages %v", len(unknown), unknown)
	}
	for _, r := range rec.snapshot() {
		if r.d.Type != (testEvent{}).EventType() {
			t.Errorf("handler of %q received type %q", (testEvent{}).EventType(), r.d.Type)
		}
	}
}

func testMetadataAndHeaders(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	var rawMu sync.Mutex
	rawHeaders := map[string]map[string]string{} // the headers each message reached the subscriber's handler with
	e.subscribe(e.name("g"), []string{topic}, events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
		rawMu.Lock()
		rawHeaders[m.EventID] = m.Headers
		rawMu.Unlock()
		return r.HandleMessage(ctx, m)
	}))

	cid := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(e.ctx(), cid)
	p := e.publisher(topic)
	id1, id2 := events.NewEventID(), events.NewEventID()
	headers := map[string]string{"tenant": "t-1", "trace-parent": "00-abc-01", "empty": ""}
	before := time.Now()
	if err := p.Publish(ctx, "key-1", testEvent{Key: "key-1", Seq: 1}, events.WithHeaders(headers), events.WithEventID(id1)); err != nil {
		t.Fatalf("Publish with headers = %v", err)
	}
	if err := p.PublishBatch(ctx, events.Keyed[testEvent]{Key: "", Event: testEvent{Seq: 2}, EventID: id2, Headers: map[string]string{}}); err != nil {
		t.Fatalf("PublishBatch = %v", err)
	}
	sent := &events.Message{Topic: topic, Key: "", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: cid, Headers: map[string]string{}, Payload: []byte(`{"key":"","seq":3}`)}
	if err := e.h.Sender().Send(ctx, sent); err != nil {
		t.Fatalf("Sender.Send = %v", err)
	}
	after := time.Now()
	recs := rec.waitFor(t, "published events must be delivered", hasAll([]string{id1, id2, sent.EventID}))
	for _, r := range recs {
		d := r.d
		var wantHeaders map[string]string
		wantKey := ""
		switch d.EventID {
		case id1:
			wantHeaders, wantKey = headers, "key-1"
		case id2, sent.EventID:
			rawMu.Lock()
			raw := rawHeaders[d.EventID]
			rawMu.Unlock()
			if d.Headers != nil || raw != nil {
				t.Errorf("event %s, published with an empty header map: headers %#v (the message's %#v), want nil: no user headers arrive as nil on every provider", d.EventID, d.Headers, raw)
			}
		default:
			t.Errorf("delivered event id %q was never published: the event id must arrive as published", d.EventID)
			continue
		}
		if d.Key != wantKey {
			t.Errorf("event %s: key %q, want %q (empty keys must stay empty)", d.EventID, d.Key, wantKey)
		}
		if d.CorrelationID != cid || r.ctxCID != cid {
			t.Errorf("event %s: correlation id %q (in ctx %q), want %q: the publisher's context correlation id must arrive in the delivery and the handler's context", d.EventID, d.CorrelationID, r.ctxCID, cid)
		}
		if !maps.Equal(wantHeaders, d.Headers) {
			t.Errorf("event %s: user headers must arrive exactly as published, without the reserved ones: got %v, want %v", d.EventID, d.Headers, wantHeaders)
		}
		if d.Timestamp.Before(before.Add(-time.Minute)) || d.Timestamp.After(after.Add(time.Minute)) {
			t.Errorf("event %s: timestamp %v is not near the publishing time %v: the transport must set it", d.EventID, d.Timestamp, before)
		}
		if d.Topic != topic || d.Type != (testEvent{}).EventType() {
			t.Errorf("event %s: topic %q type %q, want %q %q", d.EventID, d.Topic, d.Type, topic, (testEvent{}).EventType())
		}
	}
}

func testCorrelationID(e *env) {
	t := e.t
	in, out := e.topic(1), e.topic(1)
	rec := newRecorder()
	fwd := e.publisher(out)
	r := newRouter()
	// The handler of "in" publishes a follow-up event with its context: it
	// must carry the incoming correlation id on.
	events.Handle(r, in, func(ctx context.Context, d events.Delivery[testEvent]) error {
		return fwd.Publish(ctx, d.Key, testEvent{Key: d.Key, Seq: d.Event.Seq + 100})
	})
	events.Handle(r, out, rec.handler("m", nil))
	e.subscribe(e.name("g"), []string{in, out}, r)

	p := e.publisher(in)
	cid := hexkit.NewCorrelationID()
	bg, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := p.Publish(hexkit.WithCorrelationID(bg, cid), "with", testEvent{Key: "with", Seq: 1}); err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(bg, "without", testEvent{Key: "without", Seq: 2}); err != nil {
		t.Fatalf("Publish without a correlation id in ctx = %v; a non-strict publisher must generate one", err)
	}
	recs := rec.waitFor(t, "a handler's follow-up events must be delivered", func(r []record) bool { return len(r) >= 2 })
	for _, r := range recs {
		if err := hexkit.ValidateCorrelationID(r.d.CorrelationID); err != nil {
			t.Errorf("follow-up of %q: %v: every event must carry a valid correlation id", r.d.Key, err)
		}
		if r.ctxCID != r.d.CorrelationID {
			t.Errorf("follow-up of %q: handler ctx has correlation id %q, delivery %q: the router must put the event's id into the context", r.d.Key, r.ctxCID, r.d.CorrelationID)
		}
		if r.d.Key == "with" && r.d.CorrelationID != cid {
			t.Errorf("follow-up of the event published with correlation id %s carries %s: a handler's context must carry the incoming correlation id on to what it publishes", cid, r.d.CorrelationID)
		}
	}

	strict := e.publisher(in, events.WithStrictCorrelationID())
	err := strict.Publish(bg, "k", testEvent{})
	if !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("strict Publish without a correlation id = %v, want an error wrapping ErrInvalidMessage", err)
	}
}
