package eventstest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

// delivered records one handling attempt.
type delivered struct {
	d       events.Delivery[testEvent]
	attempt int
}

func testRetryThenSuccess(e *env) {
	s := newFailSetup(e, 1)
	got := newCollector[delivered]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		got.add(delivered{d, events.Attempt(ctx)})
		if events.Attempt(ctx) < 3 {
			return &suiteError{d.Event.Seq}
		}
		return nil
	})
	dl := s.deadLetters()
	s.start(s.handler(r, 3, false))
	s.publish("k", testEvent{Key: "k", Seq: 1}, testEvent{Key: "k", Seq: 2})
	recs := got.waitN(e.t, "every event is retried until it succeeds", 6)
	var attempts []string
	for _, rec := range recs {
		attempts = append(attempts, fmt.Sprintf("%d/%d", rec.d.Event.Seq, rec.attempt))
	}
	if want := "1/1 1/2 1/3 2/1 2/2 2/3"; strings.Join(attempts, " ") != want {
		e.t.Errorf("events.Attempt: handled (seq/attempt) %s, want %s: retries must run in order, numbered from 1", strings.Join(attempts, " "), want)
	}
	// A marker after the retried events proves nothing went to the DLQ in
	// between: the DLQ reader sees only the marker dead letter.
	markDeadLetter(e, s)
	if n := len(dl.waitN(e.t, "the marker reaches the DLQ", 1)); n != 1 {
		e.t.Errorf("DLQ holds %d dead letters, want only the marker: an event that succeeded on a retry must not be dead-lettered", n)
	}
}

func testPanicIsAFailure(e *env) {
	s := newFailSetup(e, 1)
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		panic("suite handler panics")
	})
	dl := s.deadLetters()
	s.start(s.handler(r, 2, false))
	s.publish("k", testEvent{Key: "k", Seq: 1})
	d := dl.waitN(e.t, "a handler that panics on every attempt sends the event to the DLQ", 1)[0]
	checkDeadLetter(e.t, d, s, "k", "", "*events.PanicError", "suite handler panics")
}

func testOtherPartitionsFlow(e *env) {
	s := newFailSetup(e, 1)
	other := e.topic(1)
	release := make(chan struct{})
	var releaseOnce sync.Once
	defer releaseOnce.Do(func() { close(release) })
	attempts := newCollector[int]()
	flowed := newCollector[int]()
	r := newRouter()
	events.Handle(r, s.topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		attempts.add(events.Attempt(ctx))
		select {
		case <-release:
			return nil
		default:
			return &suiteError{d.Event.Seq}
		}
	})
	events.Handle(r, other, func(ctx context.Context, d events.Delivery[testEvent]) error {
		flowed.add(d.Event.Seq)
		return nil
	})
	fh, err := events.NewFailureHandler(r, s.service, events.WithAttempts(1000),
		events.WithBackoff(5*time.Millisecond, 5*time.Millisecond, 0), events.WithDLQ(e.h.Sender()), events.WithDLQTopic(s.dlq),
		events.WithFailureLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		e.t.Fatal(err)
	}
	s.start(fh)
	s.publish("k", testEvent{Key: "k", Seq: 1})
	attempts.waitN(e.t, "the failing event is being retried", 2)
	po := e.publisher(other)
	for i := range 20 {
		if err := po.Publish(e.ctx(), "k", testEvent{Key: "k", Seq: i}); err != nil {
			e.t.Fatalf("Publish = %v", err)
		}
	}
	flowed.waitN(e.t, "other partitions flow while one partition retries", 20)
	releaseOnce.Do(func() { close(release) })
	if n := len(attempts.snapshot()); n >= 1000 {
		e.t.Errorf("the failing event used all %d attempts while the others flowed; the test needs it still retrying", n)
	}
}
