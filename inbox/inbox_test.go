package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/inbox"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/memkv"
)

func memBackend(t *testing.T) backend {
	clock := memkv.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	db, err := memkv.New(memkv.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	n := atomic.Int64{}
	return backend{
		store: func(t *testing.T) kv.Store[string] {
			st, err := memkv.NewStore[string](db, fmt.Sprint("inbox-", n.Add(1)))
			if err != nil {
				t.Fatal(err)
			}
			return st
		},
		pass: clock.Advance,
		// In memory time is moved by hand: the defaults.
		claim: inbox.DefaultClaimTimeout, retention: inbox.DefaultRetention,
	}
}

func TestInboxMemory(t *testing.T) { runInboxSuite(t, memBackend(t)) }

func TestApplierMemory(t *testing.T) {
	runApplierSuite(t, func(t *testing.T, versioned bool) dao.DAO[Counter, string] {
		var opts []dao.Option[Counter]
		if versioned {
			opts = append(opts, dao.WithVersionField(counterVersion))
		}
		d, err := memdao.New[Counter, string](opts...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}

func TestNewValidation(t *testing.T) {
	db, _ := memkv.New()
	st, _ := memkv.NewStore[string](db, "inbox")
	for _, c := range []struct {
		name  string
		store kv.Store[string]
		group string
		opts  []inbox.Option
		isKey bool
	}{
		{"nil store", nil, "svc", nil, false},
		{"empty group", st, "", nil, true},
		{"group with NUL", st, "a\x00", nil, true},
		{"group with empty segment", st, "a//b", nil, true},
		{"group with dot-dot", st, "..", nil, true},
		{"group not UTF-8", st, "\xff", nil, true},
		{"group segment too long", st, string(make([]byte, 300)), nil, true},
		{"zero retention", st, "svc", []inbox.Option{inbox.WithRetention(0)}, false},
		{"negative claim timeout", st, "svc", []inbox.Option{inbox.WithClaimTimeout(-time.Second)}, false},
		{"retention below claim timeout", st, "svc", []inbox.Option{inbox.WithClaimTimeout(time.Hour), inbox.WithRetention(time.Minute)}, false},
		{"nil option", st, "svc", []inbox.Option{nil}, false},
		{"negative claim wait", st, "svc", []inbox.Option{inbox.WithClaimWait(-time.Millisecond)}, false},
	} {
		in, err := inbox.New(c.store, c.group, c.opts...)
		if !errors.Is(err, inbox.ErrInvalidOption) || in != nil {
			t.Errorf("%s: New = %v, %v; want ErrInvalidOption", c.name, in, err)
		}
		if c.isKey && !errors.Is(err, kv.ErrInvalidKey) {
			t.Errorf("%s: %v does not match kv.ErrInvalidKey", c.name, err)
		}
	}
	// Every problem is reported at once.
	_, err := inbox.New(nil, "", inbox.WithRetention(0))
	if err == nil || len(err.Error()) < 40 {
		t.Errorf("several problems: %v", err)
	}
	in, err := inbox.New(st, "team/svc")
	if err != nil || in.Group() != "team/svc" {
		t.Errorf("a group of two segments: %v", err)
	}
}

func TestNewApplierValidation(t *testing.T) {
	d, _ := memdao.New[Counter, string](dao.WithVersionField(counterVersion))
	for name, f := range map[string]func() error{
		"nil DAO":     func() error { _, err := inbox.NewApplier[Counter, string](nil, counterID, counterApplied); return err },
		"nil id":      func() error { _, err := inbox.NewApplier(d, nil, counterApplied); return err },
		"nil applied": func() error { _, err := inbox.NewApplier(d, counterID, nil); return err },
		"keep 0":      func() error { _, err := inbox.NewApplier(d, counterID, counterApplied, inbox.WithKeep(0)); return err },
		"keep too large": func() error {
			_, err := inbox.NewApplier(d, counterID, counterApplied, inbox.WithKeep(inbox.MaxKeep+1))
			return err
		},
		"attempts 0": func() error {
			_, err := inbox.NewApplier(d, counterID, counterApplied, inbox.WithAttempts(0))
			return err
		},
		"nil option": func() error { _, err := inbox.NewApplier(d, counterID, counterApplied, nil); return err },
	} {
		if err := f(); !errors.Is(err, inbox.ErrInvalidOption) {
			t.Errorf("%s: %v, want ErrInvalidOption", name, err)
		}
	}
	ap, _ := inbox.NewApplier(d, func(*Counter) *string { return nil }, counterApplied)
	if _, err := ap.Apply(context.Background(), "e", "c1", incr); !errors.Is(err, inbox.ErrInvalidOption) {
		t.Errorf("accessor returning nil: %v", err)
	}
}

// conflicting is a DAO whose updates always conflict, or whose document
// vanishes once between a read and the write.
type conflicting struct {
	dao.DAO[Counter, string]
	updates atomic.Int32
	vanish  bool
}

func (c *conflicting) Update(ctx context.Context, doc Counter) (int64, error) {
	if c.updates.Add(1) == 1 && c.vanish {
		if err := c.DAO.Delete(ctx, doc.ID); err != nil {
			return 0, err
		}
		return 0, dao.ErrNotFound
	}
	if c.vanish {
		return c.DAO.Update(ctx, doc)
	}
	return 0, dao.ErrConflict
}

func TestApplierGivesUpAfterAttempts(t *testing.T) {
	ctx := context.Background()
	base, _ := memdao.New[Counter, string](dao.WithVersionField(counterVersion))
	d := &conflicting{DAO: base}
	ap := newApplier(t, d, inbox.WithAttempts(3))
	if _, err := ap.Apply(ctx, "e1", "c1", incr); err != nil {
		t.Fatal(err)
	}
	applied, err := ap.Apply(ctx, "e2", "c1", incr)
	if applied || !errors.Is(err, dao.ErrConflict) || d.updates.Load() != 3 || ap.Stats().Retries != 2 {
		t.Errorf("Apply = %v, %v after %d updates, stats %+v; want ErrConflict after 3", applied, err, d.updates.Load(), ap.Stats())
	}
}

func TestApplierDocumentDeletedInBetween(t *testing.T) {
	ctx := context.Background()
	base, _ := memdao.New[Counter, string](dao.WithVersionField(counterVersion))
	d := &conflicting{DAO: base, vanish: true}
	ap := newApplier(t, d)
	for _, e := range []string{"e1", "e2"} {
		if _, err := ap.Apply(ctx, e, "c1", incr); err != nil {
			t.Fatal(err)
		}
	}
	c, err := base.Get(ctx, "c1")
	if err != nil || c.N != 1 || len(c.Applied) != 1 || c.Applied[0] != "e2" {
		t.Errorf("document %+v, %v; want it inserted again with e2 alone", c, err)
	}
}

// failingRecords is a store that refuses to write records (but not claims).
type failingRecords struct{ kv.Store[string] }

func (f failingRecords) Set(ctx context.Context, key, v string, opts ...kv.SetOption) (kv.Version, error) {
	if v == "done" {
		return "", kv.ErrUnavailable
	}
	return f.Store.Set(ctx, key, v, opts...)
}

func TestRecordFailureStillAcknowledges(t *testing.T) {
	db, _ := memkv.New()
	st, _ := memkv.NewStore[string](db, "inbox")
	in, err := inbox.New(failingRecords{st}, "svc", inbox.WithLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	c := newCounter()
	if err := in.Wrap(c).HandleMessage(context.Background(), msg(events.NewEventID())); err != nil {
		t.Errorf("HandleMessage = %v, want nil: the event was handled", err)
	}
	wantStats(t, in, inbox.Stats{Unrecorded: 1})
}

func TestClaimStoreFailureIsReturned(t *testing.T) {
	db, _ := memkv.New()
	st, _ := memkv.NewStore[string](db, "inbox")
	_ = st.Close()
	in, _ := inbox.New(st, "svc")
	c := newCounter()
	if err := in.Wrap(c).HandleMessage(context.Background(), msg(events.NewEventID())); !errors.Is(err, kv.ErrClosed) {
		t.Errorf("HandleMessage on a closed store = %v, want kv.ErrClosed", err)
	}
	if len(c.calls) != 0 {
		t.Error("the handler ran without a claim")
	}
}

// The inbox inside a FailureHandler: a failed attempt leaves no record,
// the retry handles the event, and the redelivered event is skipped.
func TestInsideFailureHandler(t *testing.T) {
	ctx := context.Background()
	db, _ := memkv.New()
	st, _ := memkv.NewStore[string](db, "inbox")
	in, _ := inbox.New(st, "svc", inbox.WithLogger(quiet()))
	r := events.NewRouter(events.WithMiddleware(in.Middleware()), events.WithLogger(quiet()))
	calls := 0
	events.Handle(r, "t", func(ctx context.Context, d events.Delivery[amount]) error {
		calls++
		if calls == 1 {
			return errors.New("transient")
		}
		return nil
	})
	fh, err := events.NewFailureHandler(r, "svc", events.WithAttempts(3),
		events.WithBackoff(time.Millisecond, time.Millisecond, 0), events.WithFailureLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	m := msg(events.NewEventID())
	m.Type, m.Payload = "amount", []byte(`{"n":1}`)
	for range 2 {
		if err := fh.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Errorf("handler calls = %d, want 2 (a failed attempt, a success, then skipped)", calls)
	}
	wantStats(t, in, inbox.Stats{Handled: 1, Duplicates: 1, Failed: 1})
}

// Under a FailureHandler with one attempt, the redelivery of an event whose
// handler crashed (leaving its claim) waits for the claim to time out,
// with WithClaimWait, instead of failing.
func TestClaimWaitUnderFailureHandler(t *testing.T) {
	ctx := context.Background()
	db, _ := memkv.New() // the real clock: the claim times out by itself
	st, _ := memkv.NewStore[string](db, "inbox")
	in, _ := inbox.New(st, "svc", inbox.WithClaimTimeout(300*time.Millisecond), inbox.WithClaimWait(300*time.Millisecond), inbox.WithLogger(quiet()))
	c := newCounter()
	fh, err := events.NewFailureHandler(in.Wrap(c), "svc", events.WithAttempts(1), events.WithFailureLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	m := msg(events.NewEventID())
	if _, err := st.Set(ctx, in.Key(m.EventID), "claim:crashed", kv.IfAbsent(), kv.WithTTL(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := fh.HandleMessage(ctx, m); err != nil {
		t.Fatalf("redelivery after a crash = %v, want nil (waited for the stale claim)", err)
	}
	if c.n(m.EventID) != 1 {
		t.Errorf("handler ran %d times, want 1", c.n(m.EventID))
	}
}

// Two replays of one dead letter through the retry topic are one event to
// the inbox: the failure handler delivers them under the failed event's id,
// so the second replay is skipped.
func TestDeadLetterReplayedTwiceIsAppliedOnce(t *testing.T) {
	ctx := context.Background()
	db, _ := memkv.New()
	st, _ := memkv.NewStore[string](db, "inbox")
	in, _ := inbox.New(st, "svc", inbox.WithLogger(quiet()))
	r := events.NewRouter(events.WithMiddleware(in.Middleware()), events.WithLogger(quiet()))
	var seen []string
	events.Handle(r, "t", func(ctx context.Context, d events.Delivery[amount]) error {
		seen = append(seen, d.EventID)
		return nil
	})
	fh, err := events.NewFailureHandler(r, "svc", events.WithFailureLogger(quiet()))
	if err != nil {
		t.Fatal(err)
	}
	failedID := events.NewEventID()
	dead := msg(events.NewEventID())
	dead.Topic, dead.Type, dead.Payload = "dlq", "amount", []byte(`{"n":1}`)
	dead.Headers = map[string]string{events.HeaderOriginalTopic: "t", events.HeaderOriginalEventID: failedID,
		events.HeaderService: "svc", events.HeaderExcClass: "E", events.HeaderExcMsg: "boom"}
	d, err := events.ParseDeadLetter(dead)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := fh.HandleMessage(ctx, events.RetryMessage(d, nil)); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 1 || seen[0] != failedID {
		t.Errorf("handled %v, want the failed event %s once", seen, failedID)
	}
	wantStats(t, in, inbox.Stats{Handled: 1, Duplicates: 1})
}

// An error of fn is returned at once, even when it wraps a dao sentinel
// that a write conflict would also wrap.
func TestApplierDoesNotRetryFnErrors(t *testing.T) {
	ctx := context.Background()
	d, _ := memdao.New[Counter, string](dao.WithVersionField(counterVersion))
	ap := newApplier(t, d)
	for _, sentinel := range []error{dao.ErrNotFound, dao.ErrConflict, dao.ErrAlreadyExists} {
		calls := 0
		wrapped := fmt.Errorf("looking up the customer: %w", sentinel)
		applied, err := ap.Apply(ctx, "e-"+sentinel.Error(), "c1", func(*Counter, bool) error { calls++; return wrapped })
		if applied || err != wrapped || calls != 1 {
			t.Errorf("fn failing with %v: Apply = %v, %v after %d calls; want false, fn's error, 1 call", sentinel, applied, err, calls)
		}
	}
	if r := ap.Stats().Retries; r != 0 {
		t.Errorf("Stats().Retries = %d, want 0", r)
	}
}

// A stored document with a negative version (which no versioned write
// stores) is refused by the DAO, never taken for a DAO without versions.
func TestApplierNegativeVersion(t *testing.T) {
	ctx := context.Background()
	d, _ := memdao.New[Counter, string](dao.WithVersionField(counterVersion))
	ap := newApplier(t, d)
	if err := d.Insert(ctx, Counter{ID: "x", Version: -1}); !errors.Is(err, dao.ErrInvalidDocument) {
		t.Fatalf("Insert of version -1 = %v, want ErrInvalidDocument", err)
	}
	if _, err := ap.Apply(ctx, "e1", "other", incr); err != nil {
		t.Errorf("Apply = %v, want nil", err)
	}
}
