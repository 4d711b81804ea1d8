package eventstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func testDeadLetterAfterRetries(e *env) {
	s := newFailSetup(e, 1)
	calls := newCollector[int]()
	afterFailure := newCollector[int]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		if d.Event.Seq == 1 {
			calls.add(events.Attempt(ctx))
			return &suiteError{1}
		}
		afterFailure.add(d.Event.Seq)
		return nil
	})
	dl := s.deadLetters()
	stop := s.start(s.handler(r, 4, false))
	corr := hexkit.NewCorrelationID()
	p := e.publisher(s.topic)
	ctx := hexkit.WithCorrelationID(e.ctx(), corr)
	hdr := events.WithHeaders(map[string]string{"origin": "suite", "tenant": "t-1"})
	if err := p.Publish(ctx, "key-1", testEvent{Key: "key-1", Seq: 1, Text: "fails"}, hdr); err != nil {
		e.t.Fatalf("Publish = %v", err)
	}
	if err := p.Publish(ctx, "key-1", testEvent{Key: "key-1", Seq: 2}, hdr); err != nil {
		e.t.Fatalf("Publish = %v", err)
	}
	d := dl.waitN(e.t, "an event that fails every attempt goes to the DLQ", 1)[0]
	afterFailure.waitN(e.t, "events behind a dead-lettered one flow on", 1)
	if got := calls.snapshot(); !slices.Equal(got, []int{1, 2, 3, 4}) {
		e.t.Errorf("attempts before dead-lettering = %v, want [1 2 3 4] (WithAttempts(4))", got)
	}
	checkDeadLetter(e.t, d, s, "key-1", corr, "*eventstest.suiteError", "suite handler refuses event 1")
	if d.UserHeaders["tenant"] != "t-1" || d.UserHeaders["origin"] != "suite" {
		e.t.Errorf("dead letter user headers = %v, want the original's (origin, tenant)", d.UserHeaders)
	}
	var ev testEvent
	if err := json.Unmarshal(d.Payload, &ev); err != nil || ev.Seq != 1 || ev.Text != "fails" {
		e.t.Errorf("dead letter payload = %s (%v), want the original event's", d.Payload, err)
	}
	// The failed event was acknowledged after the dead letter: a new member
	// of the group does not see it again.
	if err := stop(); err != nil {
		e.t.Fatalf("stop = %v", err)
	}
	again := newCollector[int]()
	r2 := newRouter()
	events.Handle(r2, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		again.add(d.Event.Seq)
		return nil
	})
	s.start(s.handler(r2, 1, false))
	if err := p.Publish(ctx, "key-1", testEvent{Key: "key-1", Seq: 3}, hdr); err != nil {
		e.t.Fatalf("Publish = %v", err)
	}
	if got := again.waitN(e.t, "a restarted member resumes after the dead-lettered event", 1); got[0] != 3 {
		e.t.Errorf("restarted member first handled event %v, want 3: a dead-lettered event must be committed", got)
	}
}

func testFailingSubset(e *env) {
	s := newFailSetup(e, e.partitions())
	const n = 200
	handled := newCollector[int]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		if d.Event.Seq%7 == 3 {
			return &suiteError{d.Event.Seq}
		}
		handled.add(d.Event.Seq)
		return nil
	})
	dl := s.deadLetters()
	s.start(s.handler(r, 2, false))
	p := e.publisher(s.topic)
	evs := make([]testEvent, n)
	keys := make([]string, n)
	var wantDLQ, wantOK []int
	for i := range evs {
		keys[i] = fmt.Sprintf("key-%d", i%17)
		evs[i] = testEvent{Key: keys[i], Seq: i}
		if i%7 == 3 {
			wantDLQ = append(wantDLQ, i)
		} else {
			wantOK = append(wantOK, i)
		}
	}
	for i := range evs {
		if err := p.Publish(e.ctx(), keys[i], evs[i]); err != nil {
			e.t.Fatalf("Publish = %v", err)
		}
	}
	dls := dl.waitN(e.t, "exactly the failing subset reaches the DLQ", len(wantDLQ))
	oks := handled.waitN(e.t, "the rest is handled", len(wantOK))
	var gotDLQ []int
	for _, d := range dls {
		var ev testEvent
		if err := json.Unmarshal(d.Payload, &ev); err != nil {
			e.t.Fatalf("dead letter payload %s: %v", d.Payload, err)
		}
		checkDeadLetter(e.t, d, s, ev.Key, "", "*eventstest.suiteError", fmt.Sprintf("refuses event %d", ev.Seq))
		gotDLQ = append(gotDLQ, ev.Seq)
	}
	slices.Sort(gotDLQ)
	gotDLQ = slices.Compact(gotDLQ)
	if !slices.Equal(gotDLQ, wantDLQ) {
		e.t.Errorf("dead-lettered events = %v, want %v", gotDLQ, wantDLQ)
	}
	slices.Sort(oks)
	if !slices.Equal(slices.Compact(oks), wantOK) {
		e.t.Errorf("handled events = %v, want %v", oks, wantOK)
	}
}

func testStopWithoutDLQ(e *env) {
	s := newFailSetup(e, 1)
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		if d.Event.Seq == 2 {
			return &suiteError{2}
		}
		return nil
	})
	fh := s.handler(r, 2, true)
	s.publish("k", testEvent{Key: "k", Seq: 1}, testEvent{Key: "k", Seq: 2}, testEvent{Key: "k", Seq: 3})
	done := make(chan error, 1)
	go func() {
		done <- fh.Supervise(e.ctx(), func(ctx context.Context) error {
			stop, err := e.startSubscriber(ctx, s.service, fh.Topics(), fh)
			if err != nil {
				return err
			}
			<-ctx.Done()
			return stop()
		})
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(waitTimeout):
		e.t.Fatalf("Supervise did not return within %v after an event failed without DLQ", waitTimeout)
	}
	var fe *events.FailedError
	if !errors.Is(err, events.ErrStopSubscriber) || !errors.As(err, &fe) || fe.Attempts != 2 {
		e.t.Fatalf("Supervise = %v, want a *FailedError after 2 attempts wrapping ErrStopSubscriber", err)
	}
	var se *suiteError
	if !errors.As(err, &se) || se.seq != 2 {
		e.t.Errorf("Supervise = %v: errors.As must reach the handler's error", err)
	}
	// Nothing lost: after the fix, a new member resumes at the failed event.
	got := newCollector[int]()
	r2 := newRouter()
	events.Handle(r2, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		got.add(d.Event.Seq)
		return nil
	})
	s.start(s.handler(r2, 1, true))
	if seqs := got.waitN(e.t, "the failed event was not committed", 2); !slices.Equal(seqs[:2], []int{2, 3}) {
		e.t.Errorf("restarted member handled %v first, want [2 3]", seqs)
	}
}

func testReplay(e *env) {
	s := newFailSetup(e, 1)
	seen := newCollector[events.Delivery[testEvent]]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		if d.Event.Text == "broken" {
			return &suiteError{d.Event.Seq}
		}
		seen.add(d)
		return nil
	})
	dl := s.deadLetters()
	s.start(s.handler(r, 1, false))
	p := e.publisher(s.topic)
	corr := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(e.ctx(), corr)
	if err := p.Publish(ctx, "k", testEvent{Key: "k", Seq: 1, Text: "broken"}, events.WithHeaders(map[string]string{"tenant": "t-1"})); err != nil {
		e.t.Fatalf("Publish = %v", err)
	}
	d := dl.waitN(e.t, "the failing event reaches the DLQ", 1)[0]
	fixed, _ := json.Marshal(testEvent{Key: "k", Seq: 1, Text: "fixed"})
	if err := e.h.Sender().Send(e.ctx(), events.RetryMessage(d, fixed)); err != nil {
		e.t.Fatalf("Send(RetryMessage) = %v", err)
	}
	got := seen.waitN(e.t, "a replayed event is handled", 1)[0]
	if got.Topic != s.topic || got.Event.Text != "fixed" || got.Key != "k" || got.CorrelationID != corr {
		e.t.Errorf("replayed delivery topic %q text %q key %q correlation %q, want original topic %q, corrected payload, key k, %q", got.Topic, got.Event.Text, got.Key, got.CorrelationID, s.topic, corr)
	}
	if _, ok := got.Headers[events.HeaderOriginalTopic]; ok || got.Headers["tenant"] != "t-1" {
		e.t.Errorf("replayed delivery headers = %v, want the user's headers without original_topic", got.Headers)
	}
}
