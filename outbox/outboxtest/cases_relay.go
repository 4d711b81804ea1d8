package outboxtest

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// testGracefulShutdown: Run returns nil once its context ends, after the
// batch it was sending is sent and marked (the next batches wait for
// another relay), and gives up the lease.
func testGracefulShutdown(e *env) {
	topic, coll := e.topic(), e.name("c")
	inSend := make(chan struct{})
	var once atomic.Bool
	s := &faultySender{inner: e.sender()}
	s.before = func(context.Context, []*events.Message) {
		if once.CompareAndSwap(false, true) {
			close(inSend)
			time.Sleep(200 * time.Millisecond)
		}
	}
	r1 := e.relay(s, outbox.WithPollInterval(time.Minute), outbox.WithBatchSize(1))
	r2 := e.relay(nil)
	d1, d2 := e.docs(r1, coll, topic), e.docs(r2, coll, topic)
	ctx := e.ctx()
	for _, id := range []string{"a", "b", "c", "d"} {
		e.must(d1.Insert(ctx, Doc{ID: id, N: 1}), "Insert")
	}
	stop := e.run(r1)
	select {
	case <-inSend:
	case <-time.After(waitTimeout):
		e.t.Fatal("the running relay never sent the pending change")
	}
	if err := stop(); err != nil {
		e.t.Fatalf("Run() = %v after its context was canceled, want nil", err)
	}
	if ms := e.msgs(topic); len(ms) != 1 {
		e.t.Fatalf("topic holds %d events after shutdown, want 1: Run finishes the batch it is sending (of one change), and sends no other:\n%s", len(ms), show(ms))
	}
	e.publish(d2, 3, "the batch sent during shutdown was marked published, the others are pending, and the lease was given up")
	e.checkOrder(e.msgs(topic), map[string]int{"a": 1, "b": 1, "c": 1, "d": 1})
}

// testRunTwice: a relay runs once.
func testRunTwice(e *env) {
	r := e.relay(nil)
	stop := e.run(r)
	time.Sleep(20 * time.Millisecond)
	if err := r.Run(e.ctx()); !errors.Is(err, outbox.ErrInvalidOption) {
		e.t.Errorf("second Run while the first runs = %v, want outbox.ErrInvalidOption", err)
	}
	e.must(stop(), "Run")
	if err := r.Run(e.ctx()); !errors.Is(err, outbox.ErrInvalidOption) {
		e.t.Errorf("Run after Run returned = %v, want outbox.ErrInvalidOption", err)
	}
}

// testClosedRelay: nothing more is built on a relay whose Run returned,
// and it publishes no more; DAOs built before keep storing changes, which
// other relays publish.
func testClosedRelay(e *env) {
	topic, coll := e.topic(), e.name("c")
	r := e.relay(nil)
	d := e.docs(r, coll, topic)
	store := e.name("s")
	e.publisher(r, store, topic)
	stop := e.run(r)
	e.must(stop(), "Run")
	ctx := e.ctx()
	if _, err := e.h.Publisher(r, store, topic); !errors.Is(err, outbox.ErrClosed) {
		e.t.Errorf("a publisher on a relay whose Run returned, over a store it publishes already: %v, want outbox.ErrClosed", err)
	}
	if _, err := e.h.Docs(r, e.name("c2"), topic); !errors.Is(err, outbox.ErrClosed) {
		e.t.Errorf("a DAO on a relay whose Run returned: %v, want outbox.ErrClosed", err)
	}
	if _, err := e.h.Publisher(r, e.name("s"), topic); !errors.Is(err, outbox.ErrClosed) {
		e.t.Errorf("a publisher on a relay whose Run returned: %v, want outbox.ErrClosed", err)
	}
	e.must(d.Insert(ctx, Doc{ID: "a", N: 1}), "Insert through a DAO whose relay stopped")
	if n, err := d.PublishPending(ctx); !errors.Is(err, outbox.ErrClosed) || n != 0 {
		e.t.Errorf("PublishPending on a relay whose Run returned = %d, %v; want 0, outbox.ErrClosed", n, err)
	}
	if n, err := r.PublishPending(ctx); !errors.Is(err, outbox.ErrClosed) || n != 0 {
		e.t.Errorf("Relay.PublishPending after Run returned = %d, %v; want 0, outbox.ErrClosed", n, err)
	}
	e.publish(e.docs(e.relay(nil), coll, topic), 1, "another instance's relay publishes the change (the stopped one holds no lease)")
}

// testInvalidRelayOptions: every invalid relay option or argument fails
// the constructor with ErrInvalidOption; the bounds are accepted.
func testInvalidRelayOptions(e *env) {
	bad := map[string][]outbox.RelayOption{
		"WithPollInterval(0)":      {outbox.WithPollInterval(0)},
		"WithPollInterval(9ms)":    {outbox.WithPollInterval(9 * time.Millisecond)},
		"WithPollInterval(61s)":    {outbox.WithPollInterval(61 * time.Second)},
		"WithLeaseTTL(999ms)":      {outbox.WithLeaseTTL(999 * time.Millisecond)},
		"WithLeaseTTL(-1s)":        {outbox.WithLeaseTTL(-time.Second)},
		"WithLeaseTTL(11m)":        {outbox.WithLeaseTTL(11 * time.Minute)},
		"WithBatchSize(0)":         {outbox.WithBatchSize(0)},
		"WithBatchSize(10001)":     {outbox.WithBatchSize(10001)},
		"WithMaxMessageSize(511)":  {outbox.WithMaxMessageSize(511)},
		"WithLeaseName(\"\")":      {outbox.WithLeaseName("")},
		"WithRelayLogger(nil)":     {outbox.WithRelayLogger(nil)},
		"a valid and two invalid":  {outbox.WithBatchSize(5), outbox.WithBatchSize(-1), outbox.WithLeaseTTL(0)},
		"valid, then invalid last": {outbox.WithPollInterval(time.Second), outbox.WithPollInterval(0)},
	}
	for name, opts := range bad {
		if r, err := e.h.NewRelay(e.sender(), opts...); !errors.Is(err, outbox.ErrInvalidOption) || r != nil {
			e.t.Errorf("NewRelay(%s) = %v, %v; want nil, outbox.ErrInvalidOption", name, r, err)
		}
	}
	if r, err := e.h.NewRelay(nil); !errors.Is(err, outbox.ErrInvalidOption) || r != nil {
		e.t.Errorf("NewRelay(nil sender) = %v, %v; want nil, outbox.ErrInvalidOption", r, err)
	}
	good := [][]outbox.RelayOption{
		nil,
		{outbox.WithPollInterval(10 * time.Millisecond), outbox.WithLeaseTTL(time.Second), outbox.WithBatchSize(1), outbox.WithMaxMessageSize(512)},
		{outbox.WithPollInterval(time.Minute), outbox.WithLeaseTTL(10 * time.Minute), outbox.WithBatchSize(10000)},
		{outbox.WithLeaseName("other"), outbox.WithRelayLogger(slog.New(slog.DiscardHandler)), outbox.WithRelayErrorHook(nil)},
	}
	for i, opts := range good {
		if _, err := e.h.NewRelay(e.sender(), opts...); err != nil {
			e.t.Errorf("NewRelay(valid options #%d) = %v, want nil", i, err)
		}
	}
}

// testInvalidDAOArguments: an outbox DAO is refused a nil relay, an invalid
// topic and invalid DAO options.
func testInvalidDAOArguments(e *env) {
	topic := e.topic()
	r := e.relay(nil)
	if _, err := e.h.Docs(nil, e.name("c"), topic); !errors.Is(err, outbox.ErrInvalidOption) {
		e.t.Errorf("a DAO with a nil relay: %v, want outbox.ErrInvalidOption", err)
	}
	for _, bad := range []string{"", "bad topic", "x/y"} {
		if _, err := e.h.Docs(r, e.name("c"), bad); !errors.Is(err, events.ErrInvalidMessage) {
			e.t.Errorf("a DAO publishing to topic %q: %v, want events.ErrInvalidMessage", bad, err)
		}
	}
	if _, err := e.h.Docs(r, e.name("c"), topic, dao.WithUnique[Doc]()); !errors.Is(err, dao.ErrInvalidOption) {
		e.t.Errorf("a DAO with WithUnique() of no field: %v, want dao.ErrInvalidOption", err)
	}
}

// testCancellation: a canceled context fails every call with its own
// error, unwrapped, and stores nothing.
func testCancellation(e *env) {
	topic, r, d := e.setup()
	p := e.publisher(r, e.name("s"), topic)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Insert(ctx, Doc{ID: "a"}); !errors.Is(err, context.Canceled) {
		e.t.Errorf("Insert with a canceled context = %v, want context.Canceled", err)
	}
	if err := p.Publish(ctx, "k", Event{Seq: 1}); !errors.Is(err, context.Canceled) {
		e.t.Errorf("persistent Publish with a canceled context = %v, want context.Canceled", err)
	}
	for name, f := range map[string]func(context.Context) (int, error){
		"DAO.PublishPending":   d.PublishPending,
		"DAO.Republish":        d.Republish,
		"Relay.PublishPending": r.PublishPending,
		"Publisher.Republish":  p.Republish,
	} {
		if n, err := f(ctx); err != context.Canceled || n != 0 {
			e.t.Errorf("%s with a canceled context = %d, %v; want 0, context.Canceled (unwrapped)", name, n, err)
		}
	}
	e.publish(r, 0, "nothing was stored under a canceled context")
	if ms := e.msgs(topic); len(ms) != 0 {
		e.t.Errorf("writes under a canceled context were published:\n%s", show(ms))
	}
}
