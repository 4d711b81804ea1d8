package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/inbox"
	"github.com/hexkit-go/hexkit/kv"
)

// backend is a kv store for the inbox suite: a fresh store per call, and a
// way to let time pass for its TTLs (moving a fake clock, or sleeping on a
// server).
type backend struct {
	store func(t *testing.T) kv.Store[string]
	// pass lets at least d pass by the store's clock.
	pass func(d time.Duration)
	// claim and retention are the timeouts the suite uses: short where
	// time passes by sleeping.
	claim, retention time.Duration
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func msg(eventID string) *events.Message {
	return &events.Message{Topic: "t", Key: "k", Type: "e", EventID: eventID, CorrelationID: events.NewEventID(), Payload: []byte(`{}`)}
}

// counter is a handler that counts its calls per event id.
type counter struct {
	mu    sync.Mutex
	calls map[string]int
	fail  func(m *events.Message) error
}

func newCounter() *counter { return &counter{calls: map[string]int{}} }

func (c *counter) HandleMessage(ctx context.Context, m *events.Message) error {
	c.mu.Lock()
	c.calls[m.EventID]++
	fail := c.fail
	c.mu.Unlock()
	if fail != nil {
		return fail(m)
	}
	return nil
}

func (c *counter) n(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[id]
}

// blocking is a handler whose first call blocks until release is closed,
// after closing entered.
type blocking struct {
	entered, release chan struct{}
	calls            atomic.Int32
}

func newBlocking() *blocking {
	return &blocking{entered: make(chan struct{}), release: make(chan struct{})}
}

func (b *blocking) HandleMessage(context.Context, *events.Message) error {
	if b.calls.Add(1) == 1 {
		close(b.entered)
		<-b.release
	}
	return nil
}

func newInbox(t *testing.T, b backend, st kv.Store[string], group string, opts ...inbox.Option) *inbox.Inbox {
	t.Helper()
	opts = append([]inbox.Option{inbox.WithClaimTimeout(b.claim), inbox.WithRetention(b.retention), inbox.WithLogger(quiet())}, opts...)
	in, err := inbox.New(st, group, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func wantStats(t *testing.T, in *inbox.Inbox, want inbox.Stats) {
	t.Helper()
	if got := in.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

// runInboxSuite checks the Inbox's behaviour on one backend.
func runInboxSuite(t *testing.T, b backend) {
	ctx := context.Background()
	t.Run("DuplicatesSkipped", func(t *testing.T) {
		st := b.store(t)
		in := newInbox(t, b, st, "svc")
		c := newCounter()
		h := in.Wrap(c)
		id1, id2 := events.NewEventID(), events.NewEventID()
		for _, id := range []string{id1, id1, id2, id1, id2} {
			if err := h.HandleMessage(ctx, msg(id)); err != nil {
				t.Fatalf("HandleMessage(%s) = %v", id, err)
			}
		}
		if c.n(id1) != 1 || c.n(id2) != 1 {
			t.Errorf("handler calls: %d and %d, want 1 each", c.n(id1), c.n(id2))
		}
		wantStats(t, in, inbox.Stats{Handled: 2, Duplicates: 3})
		if ok, err := st.Exists(ctx, "svc/"+id1); err != nil || !ok || in.Key(id1) != "svc/"+id1 {
			t.Errorf("record of %s under %q: exists=%v err=%v", id1, in.Key(id1), ok, err)
		}
	})
	t.Run("GroupsAreIndependent", func(t *testing.T) {
		st := b.store(t)
		a, c := newInbox(t, b, st, "svc-a"), newInbox(t, b, st, "svc-b")
		ha, hc := newCounter(), newCounter()
		id := events.NewEventID()
		for range 2 {
			if err := a.Wrap(ha).HandleMessage(ctx, msg(id)); err != nil {
				t.Fatal(err)
			}
			if err := c.Wrap(hc).HandleMessage(ctx, msg(id)); err != nil {
				t.Fatal(err)
			}
		}
		if ha.n(id) != 1 || hc.n(id) != 1 {
			t.Errorf("calls per group: %d and %d, want 1 each", ha.n(id), hc.n(id))
		}
	})
	t.Run("ConcurrentDuplicateInProgress", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		bh := newBlocking()
		h, entered, release, calls := in.Wrap(bh), bh.entered, bh.release, &bh.calls
		id := events.NewEventID()
		done := make(chan error, 1)
		go func() { done <- h.HandleMessage(ctx, msg(id)) }()
		<-entered
		err := h.HandleMessage(ctx, msg(id))
		if !errors.Is(err, inbox.ErrInProgress) {
			t.Errorf("duplicate during handling = %v, want ErrInProgress", err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("first delivery = %v", err)
		}
		if err := h.HandleMessage(ctx, msg(id)); err != nil {
			t.Errorf("duplicate after handling = %v, want nil (skipped)", err)
		}
		if calls.Load() != 1 {
			t.Errorf("handler ran %d times, want 1", calls.Load())
		}
		wantStats(t, in, inbox.Stats{Handled: 1, Duplicates: 1, InProgress: 1})
	})
	t.Run("ManyConcurrentDeliveries", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		c := newCounter()
		h := in.Wrap(c)
		id := events.NewEventID()
		var wg sync.WaitGroup
		var oks, busy atomic.Int32
		for range 16 {
			wg.Go(func() {
				// Each delivery retries until it is acknowledged, as a
				// subscriber would.
				for {
					err := h.HandleMessage(ctx, msg(id))
					if err == nil {
						oks.Add(1)
						return
					}
					if !errors.Is(err, inbox.ErrInProgress) {
						t.Errorf("delivery = %v", err)
						return
					}
					busy.Add(1)
					time.Sleep(time.Millisecond)
				}
			})
		}
		wg.Wait()
		if c.n(id) != 1 || oks.Load() != 16 {
			t.Errorf("handler ran %d times (want 1), %d deliveries acknowledged (want 16)", c.n(id), oks.Load())
		}
	})
	t.Run("ClaimWaitSeesTheRecord", func(t *testing.T) {
		st := b.store(t)
		first, second := newInbox(t, b, st, "svc"), newInbox(t, b, st, "svc", inbox.WithClaimWait(time.Minute))
		bh := newBlocking()
		h, entered, release, calls := bh, bh.entered, bh.release, &bh.calls
		id := events.NewEventID()
		done := make(chan error, 1)
		go func() { done <- first.Wrap(h).HandleMessage(ctx, msg(id)) }()
		<-entered
		waited := make(chan error, 1)
		go func() { waited <- second.Wrap(h).HandleMessage(ctx, msg(id)) }()
		time.Sleep(150 * time.Millisecond) // the second delivery is waiting
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := <-waited; err != nil {
			t.Errorf("the waiting delivery = %v, want nil (a duplicate once the record is written)", err)
		}
		if calls.Load() != 1 {
			t.Errorf("handler ran %d times, want 1", calls.Load())
		}
		wantStats(t, second, inbox.Stats{Duplicates: 1})
	})
	t.Run("ClaimWaitEnds", func(t *testing.T) {
		st := b.store(t)
		id := events.NewEventID()
		in := newInbox(t, b, st, "svc", inbox.WithClaimWait(50*time.Millisecond))
		if _, err := st.Set(ctx, in.Key(id), "claim:crashed", kv.IfAbsent(), kv.WithTTL(b.claim)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := in.Wrap(newCounter()).HandleMessage(ctx, msg(id)); !errors.Is(err, inbox.ErrInProgress) || time.Since(start) < 50*time.Millisecond {
			t.Errorf("after %v: %v, want ErrInProgress after the 50ms wait", time.Since(start), err)
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		long := newInbox(t, b, st, "svc", inbox.WithClaimWait(time.Hour))
		if err := long.Wrap(newCounter()).HandleMessage(cctx, msg(id)); err != context.DeadlineExceeded {
			t.Errorf("waiting past the context's deadline: %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("HandlerErrorIsRetried", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		c := newCounter()
		boom := errors.New("boom")
		fails := 2
		c.fail = func(*events.Message) error {
			if fails > 0 {
				fails--
				return boom
			}
			return nil
		}
		h := in.Wrap(c)
		id := events.NewEventID()
		for i := range 2 {
			if err := h.HandleMessage(ctx, msg(id)); !errors.Is(err, boom) {
				t.Fatalf("attempt %d = %v, want the handler's error", i+1, err)
			}
		}
		for range 2 {
			if err := h.HandleMessage(ctx, msg(id)); err != nil {
				t.Fatal(err)
			}
		}
		if c.n(id) != 3 {
			t.Errorf("handler ran %d times, want 3 (two failures, one success, then skipped)", c.n(id))
		}
		wantStats(t, in, inbox.Stats{Handled: 1, Duplicates: 1, Failed: 2})
	})
	t.Run("PanicReleasesTheClaim", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		panics := true
		h := in.Wrap(events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			if panics {
				panics = false
				panic("handler bug")
			}
			return nil
		}))
		id := events.NewEventID()
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the handler's panic did not go up")
				}
			}()
			_ = h.HandleMessage(ctx, msg(id))
		}()
		if err := h.HandleMessage(ctx, msg(id)); err != nil {
			t.Errorf("redelivery after a panic = %v, want nil (claim released)", err)
		}
		wantStats(t, in, inbox.Stats{Handled: 1, Failed: 1})
	})
	t.Run("StaleClaimTimesOut", func(t *testing.T) {
		// A delivery that crashed after claiming leaves a claim behind.
		st := b.store(t)
		in := newInbox(t, b, st, "svc")
		id := events.NewEventID()
		if _, err := st.Set(ctx, in.Key(id), "claim:crashed", kv.IfAbsent(), kv.WithTTL(b.claim)); err != nil {
			t.Fatal(err)
		}
		c := newCounter()
		if err := in.Wrap(c).HandleMessage(ctx, msg(id)); !errors.Is(err, inbox.ErrInProgress) {
			t.Fatalf("delivery under a live claim = %v, want ErrInProgress", err)
		}
		b.pass(b.claim + b.claim/10)
		if err := in.Wrap(c).HandleMessage(ctx, msg(id)); err != nil {
			t.Fatalf("delivery after the claim timed out = %v", err)
		}
		if c.n(id) != 1 {
			t.Errorf("handler ran %d times, want 1", c.n(id))
		}
	})
	t.Run("RetentionExpires", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		c := newCounter()
		h := in.Wrap(c)
		id := events.NewEventID()
		if err := h.HandleMessage(ctx, msg(id)); err != nil {
			t.Fatal(err)
		}
		if err := h.HandleMessage(ctx, msg(id)); err != nil || c.n(id) != 1 {
			t.Fatalf("duplicate within the retention: err=%v calls=%d", err, c.n(id))
		}
		b.pass(b.retention + b.retention/10)
		if err := h.HandleMessage(ctx, msg(id)); err != nil || c.n(id) != 2 {
			t.Errorf("duplicate after the retention: err=%v calls=%d, want handled again", err, c.n(id))
		}
	})
	t.Run("ClaimLostWhileHandling", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		id := events.NewEventID()
		h := in.Wrap(events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			b.pass(b.claim + b.claim/10) // a handler slower than the claim timeout
			return nil
		}))
		if err := h.HandleMessage(ctx, msg(id)); err != nil {
			t.Fatal(err)
		}
		if err := h.HandleMessage(ctx, msg(id)); err != nil {
			t.Fatal(err)
		}
		wantStats(t, in, inbox.Stats{Handled: 1, Duplicates: 1, LostClaims: 1})
	})
	t.Run("InvalidEventID", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		c := newCounter()
		for _, id := range []string{"", "not-a-uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "../../../../../../../../../../../../x", "a\x00"} {
			err := in.Wrap(c).HandleMessage(ctx, msg(id))
			if !errors.Is(err, inbox.ErrInvalidEventID) || !errors.Is(err, events.ErrInvalidMessage) {
				t.Errorf("event id %q: %v, want ErrInvalidEventID and events.ErrInvalidMessage", id, err)
			}
		}
		if err := in.Wrap(c).HandleMessage(ctx, nil); !errors.Is(err, inbox.ErrInvalidEventID) {
			t.Errorf("nil message: %v", err)
		}
		if len(c.calls) != 0 {
			t.Errorf("the handler ran for refused messages: %v", c.calls)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		c := newCounter()
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := in.Wrap(c).HandleMessage(cctx, msg(events.NewEventID())); err != context.Canceled {
			t.Errorf("canceled context: %v, want context.Canceled unwrapped", err)
		}
		if len(c.calls) != 0 {
			t.Error("the handler ran with a canceled context")
		}
	})
	t.Run("RecordedDespiteCanceledHandlerContext", func(t *testing.T) {
		// The subscriber shuts down while the handler runs: its context
		// ends, but the handler succeeded, so the record is written.
		in := newInbox(t, b, b.store(t), "svc")
		cctx, cancel := context.WithCancel(ctx)
		id := events.NewEventID()
		h := in.Wrap(events.MessageHandlerFunc(func(context.Context, *events.Message) error { cancel(); return nil }))
		if err := h.HandleMessage(cctx, msg(id)); err != nil {
			t.Fatal(err)
		}
		if err := h.HandleMessage(ctx, msg(id)); err != nil {
			t.Fatal(err)
		}
		wantStats(t, in, inbox.Stats{Handled: 1, Duplicates: 1})
	})
	t.Run("Router", func(t *testing.T) {
		in := newInbox(t, b, b.store(t), "svc")
		r := events.NewRouter(events.WithMiddleware(in.Middleware()), events.WithLogger(quiet()))
		var sum atomic.Int64
		events.Handle(r, "t", func(ctx context.Context, d events.Delivery[amount]) error {
			sum.Add(int64(d.Event.N))
			return nil
		})
		m := msg(events.NewEventID())
		m.Type, m.Payload = "amount", []byte(`{"n":7}`)
		for range 3 {
			if err := r.HandleMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		if sum.Load() != 7 {
			t.Errorf("sum = %d, want 7", sum.Load())
		}
	})
}

type amount struct {
	N int `json:"n"`
}

func (amount) EventType() string { return "amount" }

// Counter is the document of the Applier suite.
type Counter struct {
	ID      string   `json:"id"`
	N       int      `json:"n"`
	Version int64    `json:"version"`
	Applied []string `json:"applied_events,omitempty"`
}

var counterVersion = dao.MustField[Counter, int64]("version")

func counterID(c *Counter) *string        { return &c.ID }
func counterApplied(c *Counter) *[]string { return &c.Applied }

func newApplier(t *testing.T, d dao.DAO[Counter, string], opts ...inbox.ApplierOption) *inbox.Applier[Counter, string] {
	t.Helper()
	ap, err := inbox.NewApplier(d, counterID, counterApplied, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

func incr(c *Counter, found bool) error { c.N++; return nil }

// runApplierSuite checks the Applier on one DAO provider; newDAO returns a
// fresh DAO, with dao.WithVersionField when versioned.
func runApplierSuite(t *testing.T, newDAO func(t *testing.T, versioned bool) dao.DAO[Counter, string]) {
	ctx := context.Background()
	get := func(t *testing.T, d dao.DAO[Counter, string], id string) Counter {
		t.Helper()
		c, err := d.Get(ctx, id)
		if err != nil {
			t.Fatalf("Get(%q): %v", id, err)
		}
		return c
	}
	t.Run("DuplicatesSkipped", func(t *testing.T) {
		d := newDAO(t, true)
		ap := newApplier(t, d)
		e1, e2 := events.NewEventID(), events.NewEventID()
		var founds []bool
		for i, e := range []string{e1, e1, e2, e2, e1} {
			applied, err := ap.Apply(ctx, e, "c1", func(c *Counter, found bool) error {
				founds = append(founds, found)
				c.N++
				return nil
			})
			if err != nil || applied != (i == 0 || i == 2) {
				t.Fatalf("Apply #%d = %v, %v", i, applied, err)
			}
		}
		c := get(t, d, "c1")
		if c.N != 2 || c.Version != 1 || len(c.Applied) != 2 || fmt.Sprint(founds) != "[false true]" {
			t.Errorf("document %+v, found %v; want n=2 version=1 two ids, found [false true]", c, founds)
		}
		if s := ap.Stats(); s.Applied != 2 || s.Duplicates != 3 {
			t.Errorf("Stats() = %+v", s)
		}
	})
	t.Run("KeepsTheLastN", func(t *testing.T) {
		d := newDAO(t, true)
		ap := newApplier(t, d, inbox.WithKeep(3))
		var ids []string
		for range 5 {
			ids = append(ids, events.NewEventID())
			if _, err := ap.Apply(ctx, ids[len(ids)-1], "c1", incr); err != nil {
				t.Fatal(err)
			}
		}
		c := get(t, d, "c1")
		if fmt.Sprint(c.Applied) != fmt.Sprint(ids[2:]) {
			t.Errorf("kept %v, want the last three %v", c.Applied, ids[2:])
		}
		if applied, err := ap.Apply(ctx, ids[4], "c1", incr); applied || err != nil {
			t.Errorf("a kept duplicate: applied=%v err=%v, want skipped", applied, err)
		}
		if applied, err := ap.Apply(ctx, ids[0], "c1", incr); !applied || err != nil {
			t.Errorf("a duplicate older than the kept ids: applied=%v err=%v, want applied again (documented)", applied, err)
		}
	})
	t.Run("ConcurrentEventsOnOneDocument", func(t *testing.T) {
		d := newDAO(t, true)
		ap := newApplier(t, d, inbox.WithAttempts(1000))
		const workers, each = 8, 10
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range each {
					if _, err := ap.Apply(ctx, events.NewEventID(), "c1", incr); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if c := get(t, d, "c1"); c.N != workers*each {
			t.Errorf("n = %d, want %d (an update was lost or applied twice)", c.N, workers*each)
		}
		t.Logf("stats: %+v", ap.Stats())
	})
	t.Run("ConcurrentDuplicates", func(t *testing.T) {
		d := newDAO(t, true)
		ap := newApplier(t, d, inbox.WithAttempts(1000))
		e := events.NewEventID()
		var wg sync.WaitGroup
		var applied atomic.Int32
		for range 8 {
			wg.Go(func() {
				ok, err := ap.Apply(ctx, e, "c1", incr)
				if err != nil {
					t.Error(err)
				}
				if ok {
					applied.Add(1)
				}
			})
		}
		wg.Wait()
		if c := get(t, d, "c1"); c.N != 1 || applied.Load() != 1 {
			t.Errorf("n = %d, applied by %d calls; want 1 and 1", c.N, applied.Load())
		}
	})
	t.Run("FunctionErrorWritesNothing", func(t *testing.T) {
		d := newDAO(t, true)
		ap := newApplier(t, d)
		boom := errors.New("boom")
		e := events.NewEventID()
		if _, err := ap.Apply(ctx, e, "c1", func(*Counter, bool) error { return boom }); err != boom {
			t.Fatalf("Apply = %v, want fn's error as it is", err)
		}
		if _, err := d.Get(ctx, "c1"); !errors.Is(err, dao.ErrNotFound) {
			t.Fatalf("a failed Apply wrote the document: %v", err)
		}
		if applied, err := ap.Apply(ctx, e, "c1", incr); !applied || err != nil {
			t.Errorf("retry after fn's error: %v %v", applied, err)
		}
	})
	t.Run("IDChanged", func(t *testing.T) {
		d := newDAO(t, true)
		ap := newApplier(t, d)
		_, err := ap.Apply(ctx, events.NewEventID(), "c1", func(c *Counter, _ bool) error { c.ID = "other"; return nil })
		if !errors.Is(err, inbox.ErrIDChanged) {
			t.Fatalf("Apply = %v, want ErrIDChanged", err)
		}
		if n, _ := d.Count(ctx, dao.All[Counter]()); n != 0 {
			t.Errorf("%d documents written", n)
		}
	})
	t.Run("NotVersioned", func(t *testing.T) {
		d := newDAO(t, false)
		ap := newApplier(t, d)
		if _, err := ap.Apply(ctx, events.NewEventID(), "c1", incr); err != nil {
			t.Fatalf("insert: %v", err)
		}
		applied, err := ap.Apply(ctx, events.NewEventID(), "c1", incr)
		if !applied || !errors.Is(err, inbox.ErrNotVersioned) {
			t.Fatalf("first update = %v, %v; want true, ErrNotVersioned", applied, err)
		}
		if _, err := ap.Apply(ctx, events.NewEventID(), "c2", incr); !errors.Is(err, inbox.ErrNotVersioned) {
			t.Errorf("later call = %v, want ErrNotVersioned", err)
		}
		if c := get(t, d, "c1"); c.N != 2 {
			t.Errorf("n = %d, want 2 (the revealing update took place)", c.N)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		ap := newApplier(t, newDAO(t, true))
		for _, e := range []string{"", "a\x00b", "\xff", string(make([]byte, inbox.MaxEventIDLen+1))} {
			if _, err := ap.Apply(ctx, e, "c1", incr); !errors.Is(err, inbox.ErrInvalidEventID) {
				t.Errorf("event id %q: %v, want ErrInvalidEventID", e, err)
			}
		}
		if _, err := ap.Apply(ctx, "e", "c1", nil); !errors.Is(err, inbox.ErrInvalidOption) {
			t.Errorf("nil fn: %v", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := ap.Apply(cctx, "e", "c1", incr); err != context.Canceled {
			t.Errorf("canceled context: %v, want context.Canceled unwrapped", err)
		}
		if _, err := ap.Apply(ctx, "e", "bad\xff", incr); !errors.Is(err, dao.ErrInvalidID) {
			t.Errorf("invalid id: %v, want dao.ErrInvalidID", err)
		}
	})
}
