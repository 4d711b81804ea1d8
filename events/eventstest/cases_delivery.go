package eventstest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func testPerKeyOrder(e *env) {
	t := e.t
	topic := e.topic(e.partitions())
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	e.subscribe(e.name("g"), []string{topic}, r)

	const keys, perKey = 8, 25
	ctx := e.ctx()
	p := e.publisher(topic)
	for seq := range perKey {
		batch := make([]events.Keyed[testEvent], 0, keys)
		for k := range keys {
			key := fmt.Sprintf("key-%d", k)
			batch = append(batch, events.Keyed[testEvent]{Key: key, Event: testEvent{Key: key, Seq: seq}})
		}
		if err := p.PublishBatch(ctx, batch...); err != nil {
			t.Fatalf("PublishBatch(seq %d) = %v", seq, err)
		}
	}
	recs := rec.waitFor(t, "every event must be delivered", func(r []record) bool { return len(r) >= keys*perKey })
	byKey := map[string][]int{}
	for _, r := range recs {
		byKey[r.d.Key] = append(byKey[r.d.Key], r.d.Event.Seq)
	}
	want := make([]int, perKey)
	for i := range want {
		want[i] = i
	}
	for k := range keys {
		key := fmt.Sprintf("key-%d", k)
		if diff := diff(want, byKey[key]); diff != "" {
			t.Errorf("key %q: events with one key must be handled once each in publishing order (-want +got):\n%s", key, diff)
		}
	}
}

func testTwoGroups(e *env) {
	t := e.t
	topic := e.topic(e.partitions())
	recs := []*recorder{newRecorder(), newRecorder()}
	for i, rec := range recs {
		r := newRouter()
		events.Handle(r, topic, rec.handler(fmt.Sprintf("group%d", i), nil))
		e.subscribe(e.name(fmt.Sprintf("g%d", i)), []string{topic}, r)
	}
	ctx := e.ctx()
	p := e.publisher(topic)
	var ids []string
	for k := range 10 {
		ids = append(ids, publish(t, ctx, p, fmt.Sprintf("k%d", k), 0, 2)...)
	}
	for i, rec := range recs {
		rec.waitFor(t, fmt.Sprintf("group %d: every consumer group must receive every event", i), hasAll(ids))
	}
}

func testGroupSplit(e *env) {
	t := e.t
	topic := e.topic(e.partitions())
	group := e.name("g")
	rec := newRecorder()
	stops := make([]func() error, 2)
	for i := range stops {
		r := newRouter()
		events.Handle(r, topic, rec.handler(fmt.Sprintf("member%d", i), nil))
		stops[i] = e.subscribe(group, []string{topic}, r)
	}
	ctx := e.ctx()
	p := e.publisher(topic)
	var ids []string
	// Members may take a while to form the group; publish in rounds until
	// both took part, each round fully handled by the group.
	deadline := time.Now().Add(waitTimeout)
	for round := 0; ; round++ {
		for k := range 16 {
			ids = append(ids, publish(t, ctx, p, fmt.Sprintf("r%d-k%d", round, k), 0, 1)...)
		}
		recs := rec.waitFor(t, "a group must handle every event once its members run", hasAll(ids))
		seen := map[string]bool{}
		for _, r := range recs {
			seen[r.member] = true
		}
		if seen["member0"] && seen["member1"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d rounds only %v handled events: two members of one group must share the topic's %d partitions", round+1, seen, e.partitions())
		}
		time.Sleep(100 * time.Millisecond) // pacing between rounds, not synchronization
	}
	// Member 0 leaves: member 1 must take over all partitions.
	if err := stops[0](); err != nil {
		t.Fatalf("stopping member 0: %v", err)
	}
	n := len(rec.snapshot())
	var later []string
	for k := range 16 {
		later = append(later, publish(t, ctx, p, fmt.Sprintf("after-k%d", k), 0, 1)...)
	}
	rec.waitFor(t, "when a member leaves, the remaining member must take over its partitions", func(recs []record) bool {
		got := map[string]bool{}
		for _, r := range recs[n:] {
			if r.member == "member1" {
				got[r.d.EventID] = true
			}
		}
		for _, id := range later {
			if !got[id] {
				return false
			}
		}
		return true
	})
	for _, r := range rec.snapshot()[n:] {
		if r.member == "member0" {
			t.Errorf("member 0 handled event %s after its subscriber stopped", r.d.EventID)
		}
	}
}

func testRedelivery(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	var mu sync.Mutex
	fails := 0
	failing := errors.New("eventstest: deliberate handler failure")
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", func(ctx context.Context, d events.Delivery[testEvent]) error {
		mu.Lock()
		defer mu.Unlock()
		if d.Event.Seq == 1 && fails < 2 {
			fails++
			return failing
		}
		return nil
	}))
	e.subscribe(e.name("g"), []string{topic}, r)

	ctx := e.ctx()
	ids := publish(t, ctx, e.publisher(topic), "k", 0, 3)
	recs := rec.waitFor(t, "an event whose handler failed must be redelivered until it succeeds", hasAll(ids))
	var seqs []int
	for _, r := range recs {
		seqs = append(seqs, r.d.Event.Seq)
		if r.d.Event.Seq == 1 && r.d.EventID != ids[1] {
			t.Errorf("redelivery carries event id %s, want %s: a redelivered event keeps its id", r.d.EventID, ids[1])
		}
	}
	if diff := diff([]int{0, 1, 1, 1, 2}, seqs); diff != "" {
		t.Errorf("after a handler error the same event must be redelivered before the later events of its partition, and a handled event not again (-want +got handler calls by seq):\n%s", diff)
	}
}

// testPanicRedelivered: a handler that panics, without a FailureHandler
// around the router, fails like one that returns an error: the subscriber
// (and the process) survives and the event is redelivered in its place.
func testPanicRedelivered(e *env) {
	t := e.t
	topic := e.topic(1)
	rec := newRecorder()
	var mu sync.Mutex
	panics := 0
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", func(ctx context.Context, d events.Delivery[testEvent]) error {
		mu.Lock()
		defer mu.Unlock()
		if d.Event.Seq == 1 && panics < 2 {
			panics++
			panic("eventstest: deliberate handler panic")
		}
		return nil
	}))
	e.subscribe(e.name("g"), []string{topic}, r)

	ctx := e.ctx()
	ids := publish(t, ctx, e.publisher(topic), "k", 0, 3)
	recs := rec.waitFor(t, "an event whose handler panicked must be redelivered until it succeeds", hasAll(ids))
	var seqs []int
	for _, r := range recs {
		seqs = append(seqs, r.d.Event.Seq)
	}
	if diff := diff([]int{0, 1, 2}, seqs); diff != "" {
		t.Errorf("after a handler panic the same event must be redelivered before the later events of its partition (-want +got handled seqs):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if panics != 2 {
		t.Errorf("the handler panicked %d times, want 2", panics)
	}
}

// testDrainTimeout: a handler that ignores its context cannot hold Run
// forever: past the drain timeout Run returns a *DrainError naming the
// message, which stays unacknowledged and goes to the next member.
// stuckRun runs a subscriber of topic in group whose handler ignores its
// context until release is closed (closed at the end of the test too),
// with a drain timeout of drain, publishes one message under key
// "stuck-key" and returns once the handler has it: the cancel of Run's
// context, Run's result and the message's id.
func stuckRun(e *env, topic, group string, drain time.Duration, release chan struct{}) (context.CancelFunc, <-chan error, string) {
	t := e.t
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	entered := make(chan struct{}, 1)
	r := newRouter()
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[testEvent]) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release // ignores ctx on purpose
		return nil
	})
	s, err := e.h.NewSubscriber(group, r, events.WithTopics(topic), events.WithDrainTimeout(drain),
		events.WithRetryBackoff(5*time.Millisecond, 100*time.Millisecond), events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatalf("NewSubscriber with WithDrainTimeout = %v", err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- s.Run(rctx) }()
	ids := publish(t, e.ctx(), e.publisher(topic), "stuck-key", 0, 1)
	select {
	case <-entered:
	case <-time.After(waitTimeout):
		t.Fatal("the handler was never called")
	}
	return cancel, done, ids[0]
}

// awaitDrainError cancels Run's context and returns its *DrainError, how
// long Run took to return, and Run's error.
func awaitDrainError(e *env, cancel context.CancelFunc, done <-chan error, drain time.Duration) (*events.DrainError, time.Duration, error) {
	t := e.t
	cancel()
	t0 := time.Now()
	var err error
	select {
	case err = <-done:
	case <-time.After(waitTimeout):
		t.Fatalf("Run did not return within %v of its context ending, with a drain timeout of %v", waitTimeout, drain)
	}
	de, ok := errors.AsType[*events.DrainError](err)
	if !errors.Is(err, events.ErrDrainTimeout) || !ok {
		t.Fatalf("Run with a handler ignoring its context = %v, want a *events.DrainError wrapping events.ErrDrainTimeout", err)
	}
	return de, time.Since(t0), err
}

func testDrainTimeout(e *env) {
	t := e.t
	topic := e.topic(1)
	group := e.name("g")
	release := make(chan struct{})
	const drain = 300 * time.Millisecond
	cancel, done, id := stuckRun(e, topic, group, drain, release)
	ids := []string{id}
	de, took, err := awaitDrainError(e, cancel, done, drain)
	if errors.Is(err, events.ErrClosed) || de.Closed {
		t.Errorf("Run's DrainError with the provider open = %v (Closed %v), want no events.ErrClosed", err, de.Closed)
	}
	if len(de.Stuck) != 1 || de.Stuck[0] != (events.StuckMessage{Topic: topic, Key: "stuck-key", EventID: ids[0]}) {
		t.Errorf("DrainError.Stuck = %+v, want the one message being handled (topic %s, key stuck-key, event %s)", de.Stuck, topic, ids[0])
	}
	if took < drain || took > drain+5*time.Second {
		t.Errorf("Run returned %v after its context ended, want about the drain timeout %v", took, drain)
	}

	// The handler returns now, too late: its message was not acknowledged,
	// so the next member of the group gets it.
	close(release)
	rec := newRecorder()
	r2 := newRouter()
	events.Handle(r2, topic, rec.handler("next", nil))
	e.subscribe(group, []string{topic}, r2)
	rec.waitFor(t, "a message whose handler outlasted the drain must stay unacknowledged and reach the next member", hasAll(ids))
}

// testDrainTimeoutAfterClose: a drain that closing the provider started
// and that outlasts the drain timeout once Run's context ends too returns
// a *DrainError that also wraps ErrClosed, as Run's error wraps ErrClosed
// whenever the provider was closed while it ran.
func testDrainTimeoutAfterClose(e *env) {
	t := e.t
	topic := e.topic(1)
	release := make(chan struct{})
	const drain = 300 * time.Millisecond
	cancel, done, _ := stuckRun(e, topic, e.name("g"), drain, release)
	closed := make(chan error, 1)
	go func() { closed <- e.h.Close() }() // waits for the stuck handler
	probe := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{"key":"k","seq":1}`)}
	for deadline := time.Now().Add(waitTimeout); ; time.Sleep(10 * time.Millisecond) {
		if err := e.h.Sender().Send(e.ctx(), probe); errors.Is(err, events.ErrClosed) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Send did not fail with events.ErrClosed after Close was called")
		}
	}
	de, _, err := awaitDrainError(e, cancel, done, drain)
	if !errors.Is(err, events.ErrClosed) || !de.Closed {
		t.Errorf("Run's DrainError after its provider closed = %v (Closed %v), want one wrapping events.ErrClosed too", err, de.Closed)
	}
	close(release)
	select {
	case err := <-closed:
		if err != nil && !errors.Is(err, events.ErrClosed) {
			t.Errorf("Close = %v", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Close did not return after the stuck handler returned")
	}
}

func testResumeAfterRestart(e *env) {
	t := e.t
	topic := e.topic(e.partitions())
	group := e.name("g")
	ctx := e.ctx()
	p := e.publisher(topic)

	first := newRecorder()
	r1 := newRouter()
	events.Handle(r1, topic, first.handler("first", nil))
	stop := e.subscribe(group, []string{topic}, r1)
	var ids1 []string
	for k := range 5 {
		ids1 = append(ids1, publish(t, ctx, p, fmt.Sprintf("k%d", k), 0, 2)...)
	}
	first.waitFor(t, "the first subscriber must handle the first events", hasAll(ids1))
	if err := stop(); err != nil {
		t.Fatalf("graceful stop = %v, want nil", err)
	}

	// Published while the group has no member.
	var ids2 []string
	for k := range 5 {
		ids2 = append(ids2, publish(t, ctx, p, fmt.Sprintf("k%d", k), 2, 2)...)
	}
	second := newRecorder()
	r2 := newRouter()
	events.Handle(r2, topic, second.handler("second", nil))
	e.subscribe(group, []string{topic}, r2)
	recs := second.waitFor(t, "events published while a group had no running member must be delivered when a member starts again: nothing may be lost", hasAll(ids2))
	handled := map[string]bool{}
	for _, id := range ids1 {
		handled[id] = true
	}
	for _, r := range recs {
		if handled[r.d.EventID] {
			t.Errorf("event %s (key %s seq %d) was handled before the restart and delivered again: a gracefully stopped subscriber must commit what it handled, and its group resume from that commit", r.d.EventID, r.d.Key, r.d.Event.Seq)
		}
	}
}

// testDeliveriesAreCopies: every delivery, a redelivery included, gets a
// message and headers of its own, and what a sender's caller does with its
// message after Send returned changes nothing: a handler that changes its
// message's fields and headers and fails sees the originals again on the
// redelivery, and so does another group. (Handlers must not write into
// the payload's bytes, which a provider may share between deliveries.)
func testDeliveriesAreCopies(e *env) {
	t := e.t
	topic := e.topic(1)
	const payload, header = `{"key":"k","seq":0}`, "v"
	seen := newCollector[string]() // group, key, payload and header h of every delivery
	for _, group := range []string{"a", "b"} {
		var mu sync.Mutex
		failed := false
		e.subscribe(e.name(group), []string{topic}, events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			seen.add(group + " " + m.Key + " " + string(m.Payload) + " h=" + m.Headers["h"])
			m.Payload, m.Key = []byte(`{"key":"changed"}`), "changed" // a handler scribbling on its message
			m.Headers["h"] = "changed"
			mu.Lock()
			defer mu.Unlock()
			if group == "a" && !failed {
				failed = true
				return errors.New("eventstest: fail the first delivery")
			}
			return nil
		}))
	}
	m := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Headers: map[string]string{"h": header}, Payload: []byte(payload)}
	if err := e.h.Sender().Send(e.ctx(), m); err != nil {
		t.Fatalf("Sender.Send = %v", err)
	}
	m.Payload[0], m.Headers["h"] = 'Z', "reused" // the caller reuses its message
	got := seen.waitN(t, "a message must be delivered once to group b and twice (one redelivery) to group a", 3)
	slices.Sort(got)
	want := []string{"a k " + payload + " h=" + header, "a k " + payload + " h=" + header, "b k " + payload + " h=" + header}
	if d := diff(want, got); d != "" {
		t.Errorf("every delivery, a redelivery included, must see the message as it was sent: neither the sender's caller nor a handler may change what another delivery sees:\n%s", d)
	}
}
