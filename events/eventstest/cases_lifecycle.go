package eventstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func testContextCancellation(e *env) {
	t := e.t
	topic := e.topic(1)
	ctx := e.ctx()

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	msg := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{"key":"k","seq":99}`)}
	if err := e.h.Sender().Send(canceled, msg); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a canceled context = %v, want context.Canceled", err)
	}
	if err := e.publisher(topic).Publish(canceled, "k", testEvent{Key: "k", Seq: 99}); !errors.Is(err, context.Canceled) {
		t.Errorf("Publish with a canceled context = %v, want context.Canceled", err)
	}
	// A done context does not hide invalid messages: a batch, like a
	// single event, is validated first, and the context's error goes to
	// each valid message.
	bad := *msg
	bad.Key = "ключ"
	wantBatch := func(call string, err error) {
		t.Helper()
		be, ok := errors.AsType[*events.BatchError](err)
		if !ok || len(be.Errs) != 2 || !errors.Is(be.Errs[0], context.Canceled) || !errors.Is(be.Errs[1], events.ErrInvalidMessage) {
			t.Errorf("%s with a canceled context, a valid and an invalid message = %v, want a *events.BatchError with context.Canceled for the first and ErrInvalidMessage for the second", call, err)
		}
	}
	wantBatch("Sender.Send", e.h.Sender().Send(canceled, msg, &bad))
	wantBatch("PublishBatch", e.publisher(topic).PublishBatch(canceled,
		events.Keyed[testEvent]{Key: "k", Event: testEvent{Key: "k", Seq: 99}},
		events.Keyed[testEvent]{Key: "kä", Event: testEvent{Key: "kä", Seq: 99}}))
	if err := e.h.Sender().Send(canceled, &bad); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("Sender.Send with a canceled context and an invalid message = %v, want an error wrapping ErrInvalidMessage", err)
	}
	if err := e.publisher(topic).Publish(canceled, "kä", testEvent{Key: "kä", Seq: 99}); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("Publish with a canceled context and an invalid key = %v, want an error wrapping ErrInvalidMessage", err)
	}

	// A handler blocked on its context must be released by the subscriber's
	// shutdown, and the event it did not finish must come back.
	group := e.name("g")
	blocked := newRecorder()
	entered := make(chan struct{})
	var once sync.Once
	r1 := newRouter()
	events.Handle(r1, topic, blocked.handler("blocking", func(ctx context.Context, d events.Delivery[testEvent]) error {
		if d.Event.Seq != 0 {
			return nil
		}
		once.Do(func() { close(entered) })
		<-ctx.Done()
		return ctx.Err()
	}))
	stop := e.subscribe(group, []string{topic}, r1)
	ids := publish(t, ctx, e.publisher(topic), "k", 0, 2)
	select {
	case <-entered:
	case <-time.After(waitTimeout):
		t.Fatalf("the handler was not called within %v", waitTimeout)
	}
	if err := stop(); err != nil {
		t.Fatalf("stopping a subscriber whose handler waits for its context = %v; want nil after the handler returned", err)
	}
	for _, r := range blocked.snapshot() {
		if r.d.Event.Seq == 0 && !errors.Is(r.err, context.Canceled) {
			t.Errorf("the blocked handler returned %v, want its context canceled by the shutdown", r.err)
		}
	}

	again := newRecorder()
	r2 := newRouter()
	events.Handle(r2, topic, again.handler("again", nil))
	e.subscribe(group, []string{topic}, r2)
	again.waitFor(t, "an event whose handler was interrupted by shutdown (returned an error) must not be committed but delivered to the next member", hasAll(ids))
}

func testClose(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	stop := e.subscribe(e.name("g"), []string{topic}, r)
	ctx := e.ctx()
	p := e.publisher(topic)
	ids := publish(t, ctx, p, "k", 0, 3)
	rec.waitFor(t, "events sent before Close must be delivered", hasAll(ids))
	if err := stop(); err != nil {
		t.Fatalf("stop = %v", err)
	}
	if err := e.h.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := p.Publish(ctx, "k", testEvent{Key: "k", Seq: 9}); !errors.Is(err, events.ErrClosed) {
		t.Errorf("Publish after Close = %v, want an error wrapping events.ErrClosed", err)
	}
	if err := p.Publish(ctx, "k", testEvent{Key: "k", Text: strings.Repeat("x", 2<<20)}); !errors.Is(err, events.ErrClosed) {
		t.Errorf("Publish of a 2 MiB event after Close = %v, want an error wrapping events.ErrClosed: a closed provider refuses before it checks sizes", err)
	}
	msg := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{}`)}
	if err := e.h.Sender().Send(ctx, msg); !errors.Is(err, events.ErrClosed) {
		t.Errorf("Send after Close = %v, want an error wrapping events.ErrClosed", err)
	}
	_ = e.h.Close() // a second Close must not panic or hang
}

func testConcurrency(e *env) {
	t := e.t
	topic := e.topic(e.partitions())
	g1, g2 := e.name("g1"), e.name("g2")
	split, single := newRecorder(), newRecorder()
	for i := range 2 {
		r := newRouter()
		events.Handle(r, topic, split.handler(fmt.Sprintf("g1m%d", i), nil))
		e.subscribe(g1, []string{topic}, r)
	}
	r := newRouter()
	events.Handle(r, topic, single.handler("g2", nil))
	e.subscribe(g2, []string{topic}, r)

	ctx := e.ctx()
	p := e.publisher(topic)
	const publishers, perPublisher = 8, 24
	ids := make([][]string, publishers)
	var wg sync.WaitGroup
	errs := make(chan error, publishers)
	for w := range publishers {
		wg.Go(func() {
			key := fmt.Sprintf("w%d", w)
			for seq := 0; seq < perPublisher; seq += 3 {
				if seq%2 == 0 {
					for s := seq; s < seq+3; s++ {
						id := events.NewEventID()
						if err := p.Publish(ctx, key, testEvent{Key: key, Seq: s}, events.WithEventID(id)); err != nil {
							errs <- err
							return
						}
						ids[w] = append(ids[w], id)
					}
					continue
				}
				batch := make([]events.Keyed[testEvent], 3)
				for i := range batch {
					batch[i] = events.Keyed[testEvent]{Key: key, Event: testEvent{Key: key, Seq: seq + i}, EventID: events.NewEventID()}
					ids[w] = append(ids[w], batch[i].EventID)
				}
				if err := p.PublishBatch(ctx, batch...); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent publishing: %v", err)
	}
	all := slices.Concat(ids...)
	split.waitFor(t, "a group of two members must handle every event published concurrently", hasAll(all))
	recs := single.waitFor(t, "a single-member group must handle every event published concurrently", hasAll(all))
	last := map[string]int{}
	for _, r := range recs {
		prev, ok := last[r.d.Key]
		if ok && r.d.Event.Seq != prev+1 {
			t.Errorf("key %q: seq %d handled after %d: concurrent publishers must not break the order of one publisher's key", r.d.Key, r.d.Event.Seq, prev)
		}
		last[r.d.Key] = r.d.Event.Seq
	}
}
