package eventstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// RunFailure runs the failure-handling suite against the implementation
// that newHarness builds: an [events.FailureHandler] in front of a router,
// on the implementation's subscriber, with the implementation's sender as
// dead letter queue. It checks retries (attempt numbers, panics), dead
// letters (headers, acknowledgement only after the dead letter), the retry
// topic, poison messages, the stop without a dead letter queue, and that a
// failing partition does not hold up the others. Like [Run], every case is
// a parallel subtest with its own harness, topics and groups.
func RunFailure(t *testing.T, newHarness func(t *testing.T) Harness, f Features) {
	cases := []suiteCase{
		{"RetryThenSuccess", testRetryThenSuccess},
		{"DeadLetterAfterRetries", testDeadLetterAfterRetries},
		{"PanicIsAFailure", testPanicIsAFailure},
		{"FailingSubsetToDLQ", testFailingSubset},
		{"PoisonPayload", testPoisonPayload},
		{"PoisonHeaders", testPoisonHeaders},
		{"StopWithoutDLQ", testStopWithoutDLQ},
		{"ReplayThroughRetryTopic", testReplay},
		{"OtherPartitionsFlow", testOtherPartitionsFlow},
	}
	runCases(t, newHarness, f, cases)
}

// failSetup is one case's service: a topic, its retry topic, a DLQ topic
// and a service (group) name, all unique.
type failSetup struct {
	e       *env
	service string
	topic   string
	dlq     string
}

func newFailSetup(e *env, partitions int) *failSetup {
	e.t.Helper()
	s := &failSetup{e: e, service: e.name("svc"), topic: e.topic(partitions), dlq: e.topic(1)}
	if err := e.h.CreateTopic(e.ctx(), events.RetryTopic(s.service), 1); err != nil {
		e.t.Fatalf("CreateTopic(%q) = %v", events.RetryTopic(s.service), err)
	}
	return s
}

// handler wraps r in a FailureHandler with fast backoff and the harness's
// sender as DLQ (unless noDLQ).
func (s *failSetup) handler(r events.MessageHandler, attempts int, noDLQ bool) *events.FailureHandler {
	s.e.t.Helper()
	opts := []events.FailureOption{
		events.WithAttempts(attempts),
		events.WithBackoff(time.Millisecond, 20*time.Millisecond, 0.5),
		events.WithFailureLogger(slog.New(slog.DiscardHandler)),
	}
	if !noDLQ {
		opts = append(opts, events.WithDLQ(s.e.h.Sender()), events.WithDLQTopic(s.dlq))
	}
	fh, err := events.NewFailureHandler(r, s.service, opts...)
	if err != nil {
		s.e.t.Fatalf("NewFailureHandler = %v", err)
	}
	return fh
}

// start subscribes fh as the service's group to the topic and the retry
// topic.
func (s *failSetup) start(fh *events.FailureHandler) func() error {
	return s.e.subscribe(s.service, fh.Topics(), fh)
}

// deadLetters subscribes a fresh group to the DLQ topic and collects what
// it receives.
func (s *failSetup) deadLetters() *collector[events.DeadLetter] {
	c := newCollector[events.DeadLetter]()
	s.e.subscribe(s.e.name("dlqreader"), []string{s.dlq}, events.HandleDeadLetters(
		func(_ context.Context, d events.DeadLetter, err error) error {
			if err != nil {
				s.e.t.Errorf("the DLQ topic holds a message that is not a dead letter: %v", err)
			}
			c.add(d)
			return nil
		}))
	return c
}

// collector gathers values from handlers and lets the test wait for them.
type collector[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{}
}

func newCollector[T any]() *collector[T] { return &collector[T]{changed: make(chan struct{})} }

func (c *collector[T]) add(v T) {
	c.mu.Lock()
	c.items = append(c.items, v)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *collector[T]) snapshot() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.items)
}

// waitN waits until at least n items arrived and returns them.
func (c *collector[T]) waitN(t *testing.T, rule string, n int) []T {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		got, ch := len(c.items), c.changed
		c.mu.Unlock()
		if got >= n {
			return c.snapshot()
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("%s: got %d items within %v, want %d", rule, got, waitTimeout, n)
		}
	}
}

// delivered records one handling attempt.
type delivered struct {
	d       events.Delivery[testEvent]
	attempt int
}

func (s *failSetup) publish(key string, evs ...testEvent) {
	s.e.t.Helper()
	p := s.e.publisher(s.topic)
	for _, ev := range evs {
		ctx := hexkit.WithCorrelationID(s.e.ctx(), hexkit.NewCorrelationID())
		if err := p.Publish(ctx, key, ev, events.WithHeaders(map[string]string{"origin": "suite"})); err != nil {
			s.e.t.Fatalf("Publish = %v", err)
		}
	}
}

// suiteError is the error the suite's failing handlers return.
type suiteError struct{ seq int }

func (e *suiteError) Error() string { return fmt.Sprintf("suite handler refuses event %d", e.seq) }

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

// markDeadLetter sends a message that is poison (no payload object) to the
// setup's topic, so that it lands in the DLQ behind whatever came before.
func markDeadLetter(e *env, s *failSetup) {
	e.t.Helper()
	err := e.h.Sender().Send(e.ctx(), &events.Message{
		Topic: s.topic, Key: "k", Type: testEvent{}.EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`"marker"`),
	})
	if err != nil {
		e.t.Fatalf("Send(marker) = %v", err)
	}
}

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

// checkDeadLetter checks the fields every dead letter must have.
func checkDeadLetter(t *testing.T, d events.DeadLetter, s *failSetup, key, corr, excClass, excMsgPart string) {
	t.Helper()
	if d.Topic != s.dlq || d.OriginalTopic != s.topic || d.Service != s.service {
		t.Errorf("dead letter topic/original_topic/service = %q/%q/%q, want %q/%q/%q", d.Topic, d.OriginalTopic, d.Service, s.dlq, s.topic, s.service)
	}
	if d.Key != key || d.Type != (testEvent{}).EventType() {
		t.Errorf("dead letter key/type = %q/%q, want the original's %q/%q", d.Key, d.Type, key, testEvent{}.EventType())
	}
	if corr != "" && d.CorrelationID != corr {
		t.Errorf("dead letter correlation id = %q, want the original's %q", d.CorrelationID, corr)
	}
	if d.EventID == "" || d.EventID == d.OriginalEventID || hexkit.ValidateCorrelationID(d.OriginalEventID) != nil {
		t.Errorf("dead letter event_id %q / original_event_id %q: want a new id and the original's valid id", d.EventID, d.OriginalEventID)
	}
	if excClass != "" && d.ExcClass != excClass {
		t.Errorf("dead letter exc_class = %q, want %q", d.ExcClass, excClass)
	}
	if !strings.Contains(d.ExcMsg, excMsgPart) {
		t.Errorf("dead letter exc_msg = %q, want it to contain %q", d.ExcMsg, excMsgPart)
	}
	if d.Timestamp.IsZero() {
		t.Error("dead letter has no timestamp")
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
		msg("k", typ, events.NewEventID(), "", 5),             // no correlation id: handled under a fresh one
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
