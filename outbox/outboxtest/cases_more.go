package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// testSendDeadline: the holder sends with a deadline one fifth of the TTL
// before its lease ends, so a send that hangs cannot outlive the lease.
func testSendDeadline(e *env) {
	const ttl = 2 * time.Second
	topic := e.topic()
	var deadline atomic.Pointer[time.Time]
	s := &faultySender{inner: e.sender()}
	s.before = func(ctx context.Context, _ []*events.Message) {
		if d, ok := ctx.Deadline(); ok {
			deadline.Store(&d)
		}
	}
	r := e.relay(s, outbox.WithLeaseTTL(ttl))
	d := e.docs(r, e.name("c"), topic)
	ctx := e.ctx() // its deadline is later than the lease's
	e.must(d.Insert(ctx, Doc{ID: "a"}), "Insert")
	start := time.Now()
	e.publish(d, 1, "")
	got := deadline.Load()
	if got == nil {
		e.t.Fatal("the relay sent without a deadline; want one a fifth of the lease TTL before the lease ends")
	}
	if latest := start.Add(ttl * 4 / 5).Add(200 * time.Millisecond); got.After(latest) {
		e.t.Errorf("send deadline %v after the call, want at most %v (TTL %v less a fifth)", got.Sub(start), ttl*4/5, ttl)
	}
}

// testLeaseNames: relays with different lease names do not exclude each
// other; relays with the same one do.
func testLeaseNames(e *env) {
	topic, coll := e.topic(), e.name("c")
	a, b := e.name("lease-a"), e.name("lease-b")
	ra := e.relay(nil, outbox.WithLeaseName(a))
	rb := e.relay(nil, outbox.WithLeaseName(b))
	ra2 := e.relay(nil, outbox.WithLeaseName(a))
	ctx := e.ctx()
	da := e.docs(ra, coll, topic)
	e.must(da.Insert(ctx, Doc{ID: "a"}), "Insert")
	e.publish(ra, 1, "the first relay of lease a")
	e.publish(rb, 0, "the relay of lease b holds its own lease")
	if _, err := ra2.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) {
		e.t.Errorf("PublishPending of a second relay of lease a = %v, want outbox.ErrLeaseHeld", err)
	}
}

// records is a slog.Handler keeping the messages of records.
type records struct {
	mu   sync.Mutex
	msgs []string
}

func (h *records) Enabled(context.Context, slog.Level) bool { return true }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Level >= slog.LevelError {
		h.msgs = append(h.msgs, r.Message)
	}
	return nil
}
func (h *records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *records) WithGroup(string) slog.Handler      { return h }

func (h *records) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.msgs)
}

// testRelayLogsFailures: a failed background pass is logged to the
// relay's logger as an error.
func testRelayLogsFailures(e *env) {
	topic := e.topic()
	s := &faultySender{inner: e.sender()}
	s.fail.Store(2)
	logs := &records{}
	r := e.relay(s, outbox.WithPollInterval(fastPoll), outbox.WithRelayLogger(slog.New(logs)))
	d := e.docs(r, e.name("c"), topic)
	e.must(d.Insert(e.ctx(), Doc{ID: "a"}), "Insert")
	e.run(r)
	e.waitCount(topic, 1)
	if logs.count() == 0 {
		e.t.Errorf("the relay logged no error for its failed passes")
	}
}

// testStrictPublisher: a persistent publisher built with
// events.WithStrictCorrelationID refuses a context without correlation id
// and stores nothing.
func testStrictPublisher(e *env) {
	topic := e.topic()
	r := e.relay(nil)
	p := e.publisher(r, e.name("s"), topic, outbox.WithPublisherOptions(events.WithStrictCorrelationID()))
	if err := p.Publish(e.ctx(), "k", Event{Seq: 1}); !errors.Is(err, events.ErrInvalidMessage) {
		e.t.Errorf("strict Publish without correlation id = %v, want events.ErrInvalidMessage", err)
	}
	ctx, cid := e.cctx()
	e.must(p.Publish(ctx, "k", Event{Seq: 2}), "strict Publish with a correlation id")
	e.publish(r, 1, "only the event with a correlation id was stored")
	if ms := e.msgs(topic); len(ms) != 1 || ms[0].CorrelationID != cid {
		e.t.Errorf("sent:\n%swant one event with correlation id %s", show(ms), cid)
	}
}

// testHandleChangesSetup: HandleChanges panics on a setup error, as
// events.Handle does.
func testHandleChangesSetup(e *env) {
	panics := func(what string, f func()) {
		e.t.Helper()
		defer func() {
			if recover() == nil {
				e.t.Errorf("HandleChanges with %s did not panic", what)
			}
		}()
		f()
	}
	funcs := outbox.ChangeFuncs[Doc, string]{
		OnChanged: func(context.Context, string, Doc) error { return nil },
		OnDeleted: func(context.Context, string) error { return nil },
	}
	panics("a nil handler", func() { outbox.HandleChanges[Doc, string](events.NewRouter(), "t", nil) })
	panics("a nil router", func() { outbox.HandleChanges[Doc, string](nil, "t", funcs) })
	panics("an invalid topic", func() { outbox.HandleChanges[Doc, string](events.NewRouter(), "bad topic", funcs) })
	panics("an id type that no key parses into", func() {
		outbox.HandleChanges[Doc, float64](events.NewRouter(), "t", outbox.ChangeFuncs[Doc, float64]{})
	})
	r := events.NewRouter()
	outbox.HandleChanges[Doc, string](r, "t", funcs)
	panics("a second registration on one topic", func() { outbox.HandleChanges[Doc, string](r, "t", funcs) })
}

// testLongPass: a pass that lasts longer than the lease's TTL renews the
// lease between batches: every batch is sent, none fails on its deadline.
func testLongPass(e *env) {
	const ttl = time.Second
	topic := e.topic()
	s := &faultySender{inner: e.sender()}
	s.before = func(context.Context, []*events.Message) { time.Sleep(ttl / 8) }
	r := e.relay(s, outbox.WithLeaseTTL(ttl), outbox.WithBatchSize(1))
	d := e.docs(r, e.name("c"), topic)
	p := e.publisher(r, e.name("s"), topic)
	ctx := e.ctx()
	for i := range 8 {
		e.must(d.Insert(ctx, Doc{ID: string(rune('a' + i))}), "Insert")
		e.must(p.Publish(ctx, "k", Event{Seq: i}), "Publish")
	}
	start := time.Now()
	e.publish(r, 16, "a pass of 16 batches, twice the TTL long, renews the lease")
	if took := time.Since(start); took < ttl {
		e.t.Errorf("the pass took %v, want more than the TTL %v (the case is void)", took, ttl)
	}
}

// testConcurrentPublishPending: writers and PublishPending calls of one
// instance, all at once, while its relay runs: every change is published
// exactly once, and the counts add up.
func testConcurrentPublishPending(e *env) {
	topic := e.topic()
	r := e.relay(nil, outbox.WithPollInterval(fastPoll))
	d := e.docs(r, e.name("c"), topic)
	p := e.publisher(r, e.name("s"), topic)
	const workers, each = 4, 25
	var published atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			ctx := e.ctx()
			for i := range each {
				if err := d.Insert(ctx, Doc{ID: fmt.Sprintf("w%d-%02d", w, i)}); err != nil {
					e.t.Errorf("Insert: %v", err)
					return
				}
				if err := p.Publish(ctx, fmt.Sprintf("w%d", w), Event{Seq: i}); err != nil {
					e.t.Errorf("Publish: %v", err)
					return
				}
				n, err := d.PublishPending(ctx)
				if err != nil {
					e.t.Errorf("PublishPending: %v", err)
					return
				}
				published.Add(int64(n))
			}
		})
	}
	stop := e.run(r)
	wg.Wait()
	ms := e.waitCount(topic, 2*workers*each)
	e.must(stop(), "Run")
	n, err := r.PublishPending(e.ctx())
	if !errors.Is(err, outbox.ErrClosed) || n != 0 {
		e.t.Errorf("PublishPending after Run = %d, %v; want 0, outbox.ErrClosed", n, err)
	}
	if len(ms) != 2*workers*each {
		e.t.Errorf("topic holds %d events, want %d: each change and event exactly once", len(ms), 2*workers*each)
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Type == outbox.ChangeEventType {
			if seen[m.Key] {
				e.t.Errorf("change of %q published twice", m.Key)
			}
			seen[m.Key] = true
		}
	}
	if got := published.Load(); got > workers*each {
		e.t.Errorf("DAO.PublishPending calls reported %d changes published, more than the %d written", got, workers*each)
	}
	for w := range workers {
		var seqs []int
		for _, m := range ms {
			if m.Key == fmt.Sprintf("w%d", w) {
				seqs = append(seqs, e.seqs([]*events.Message{m})[0])
			}
		}
		for i, s := range seqs {
			if s != i {
				e.t.Errorf("events of key w%d sent in order %v, want 0..%d", w, seqs, each-1)
				break
			}
		}
	}
}

// testPersistentPartialFailure: when some events of a batch fail, those of
// a key sent after a failed one stay pending and are sent again after it:
// the last copy of each event is in the order published.
func testPersistentPartialFailure(e *env) {
	topic := e.topic()
	s := &faultySender{inner: e.sender()}
	r := e.relay(s)
	p := e.publisher(r, e.name("s"), topic)
	ctx := e.ctx()
	for i := range 6 {
		e.must(p.Publish(ctx, "k", Event{Seq: i}), "Publish")
	}
	e.must(p.Publish(ctx, "other", Event{Seq: 100}), "Publish")
	s.partial.Store(true) // sends 0, 2, 4 and 100; fails 1, 3, 5
	n, err := r.PublishPending(ctx)
	if !errors.Is(err, errBrokerDown) || n != 2 {
		e.t.Errorf("PublishPending with events 1, 3 and 5 of key k failing = %d, %v; want 2 (k's 0 and other's 100) and the sender's error", n, err)
	}
	e.publish(r, 5, "k's events from the first failed one on are sent again")
	var last []int // the last copy of each event of k, in the order received
	seen := map[int]bool{}
	ks := e.msgs(topic)
	for i := len(ks) - 1; i >= 0; i-- {
		if ks[i].Key != "k" {
			continue
		}
		if seq := e.seqs(ks[i : i+1])[0]; !seen[seq] {
			seen[seq] = true
			last = append([]int{seq}, last...)
		}
	}
	if !slices.Equal(last, []int{0, 1, 2, 3, 4, 5}) {
		e.t.Errorf("last copies of k's events arrive in order %v, want [0 1 2 3 4 5]:\n%s", last, show(ks))
	}
}
