package eventstest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// Run runs the events conformance suite against the implementation that
// newHarness builds. Every case is a parallel subtest with its own harness
// (closed at the end of the subtest) and its own topics and groups. A
// failure names the rule of the protocol that was broken.
func Run(t *testing.T, newHarness func(t *testing.T) Harness, f Features) {
	cases := []struct {
		name string
		fn   func(e *env)
	}{
		{"RoundTrip", testRoundTrip},
		{"RoutingByType", testRoutingByType},
		{"MetadataAndHeaders", testMetadataAndHeaders},
		{"CorrelationID", testCorrelationID},
		{"PerKeyOrder", testPerKeyOrder},
		{"TwoGroupsBothReceive", testTwoGroups},
		{"GroupMembersSplit", testGroupSplit},
		{"RedeliveryAfterError", testRedelivery},
		{"ResumeAfterRestart", testResumeAfterRestart},
		{"ContextCancellation", testContextCancellation},
		{"Close", testClose},
		{"Concurrency", testConcurrency},
		{"BadInputOnPublish", testBadInputOnPublish},
		{"BadPayloadOnDelivery", testBadPayloadOnDelivery},
		{"MissingHeaders", testMissingHeaders},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h == nil {
				t.Fatal("newHarness returned nil")
			}
			var once sync.Once
			t.Cleanup(func() {
				once.Do(func() {
					if err := h.Close(); err != nil && !errors.Is(err, events.ErrClosed) {
						t.Errorf("Harness.Close() = %v", err)
					}
				})
			})
			c.fn(&env{t: t, h: h, f: f})
		})
	}
}

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
	if diff := cmp.Diff(want, got); diff != "" {
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
	pb, err := events.NewPublisher[otherEvent](e.h.Sender(), topic)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := events.NewPublisher[strayEvent](e.h.Sender(), topic)
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
	if diff := cmp.Diff([]otherEvent{{N: 1}}, others); diff != "" {
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
	e.subscribe(e.name("g"), []string{topic}, r)

	cid := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(e.ctx(), cid)
	p := e.publisher(topic)
	id1, id2 := events.NewEventID(), events.NewEventID()
	headers := map[string]string{"tenant": "t-1", "trace-parent": "00-abc-01", "empty": ""}
	before := time.Now()
	if err := p.Publish(ctx, "key-1", testEvent{Key: "key-1", Seq: 1}, events.WithHeaders(headers), events.WithEventID(id1)); err != nil {
		t.Fatalf("Publish with headers = %v", err)
	}
	if err := p.PublishBatch(ctx, events.Keyed[testEvent]{Key: "", Event: testEvent{Seq: 2}, EventID: id2}); err != nil {
		t.Fatalf("PublishBatch = %v", err)
	}
	after := time.Now()
	recs := rec.waitFor(t, "published events must be delivered", hasAll([]string{id1, id2}))
	for _, r := range recs {
		d := r.d
		var wantHeaders map[string]string
		wantKey := ""
		switch d.EventID {
		case id1:
			wantHeaders, wantKey = headers, "key-1"
		case id2:
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
		if diff := cmp.Diff(wantHeaders, d.Headers, cmpEmptyMap); diff != "" {
			t.Errorf("event %s: user headers must arrive exactly as published, without the reserved ones (-want +got):\n%s", d.EventID, diff)
		}
		if d.Timestamp.Before(before.Add(-time.Minute)) || d.Timestamp.After(after.Add(time.Minute)) {
			t.Errorf("event %s: timestamp %v is not near the publishing time %v: the transport must set it", d.EventID, d.Timestamp, before)
		}
		if d.Topic != topic || d.Type != (testEvent{}).EventType() {
			t.Errorf("event %s: topic %q type %q, want %q %q", d.EventID, d.Topic, d.Type, topic, (testEvent{}).EventType())
		}
	}
}

// cmpEmptyMap treats nil and empty maps as equal.
var cmpEmptyMap = cmp.FilterValues(func(a, b map[string]string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

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
		if diff := cmp.Diff(want, byKey[key]); diff != "" {
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
	if diff := cmp.Diff([]int{0, 1, 1, 1, 2}, seqs); diff != "" {
		t.Errorf("after a handler error the same event must be redelivered before the later events of its partition, and a handled event not again (-want +got handler calls by seq):\n%s", diff)
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
