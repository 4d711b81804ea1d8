package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// testLeaseOneHolder: of relays sharing a lease only the holder publishes;
// the others get ErrLeaseHeld and publish nothing, and what they ask to
// republish the holder publishes.
func testLeaseOneHolder(e *env) {
	topic, coll := e.topic(), e.name("c")
	r1, r2 := e.relay(nil), e.relay(nil)
	d1, d2 := e.docs(r1, coll, topic), e.docs(r2, coll, topic)
	ctx := e.ctx()
	e.must(d1.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	e.publish(d1, 1, "the first relay takes the lease")
	e.must(d2.Insert(ctx, Doc{ID: "b", N: 1}), "Insert through the second instance")
	if n, err := d2.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) || n != 0 {
		e.t.Errorf("DAO.PublishPending on the standby relay = %d, %v; want 0, outbox.ErrLeaseHeld", n, err)
	}
	if n, err := r2.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) || n != 0 {
		e.t.Errorf("Relay.PublishPending on the standby relay = %d, %v; want 0, outbox.ErrLeaseHeld", n, err)
	}
	if n, err := d2.Republish(ctx); !errors.Is(err, outbox.ErrLeaseHeld) || n != 0 {
		e.t.Errorf("Republish on the standby relay = %d, %v; want 0, outbox.ErrLeaseHeld", n, err)
	}
	if ms := e.msgs(topic); len(ms) != 1 {
		e.t.Fatalf("the standby relay published:\n%s", show(ms))
	}
	e.publish(d1, 2, "the holder publishes the other instance's write and its republication")
	e.checkOrder(e.msgs(topic), map[string]int{"a": 1, "b": 1})
}

// testLeaseExclusive: relays of several instances running at once never
// send at the same time.
func testLeaseExclusive(e *env) {
	topic, coll := e.topic(), e.name("c")
	s := &faultySender{inner: e.sender()}
	s.before = func(context.Context, []*events.Message) { time.Sleep(2 * time.Millisecond) }
	var daos []outbox.DAO[Doc, string]
	for range 3 {
		r := e.relay(s, outbox.WithPollInterval(fastPoll), outbox.WithLeaseTTL(time.Second), outbox.WithBatchSize(4))
		daos = append(daos, e.docs(r, coll, topic))
		e.run(r)
	}
	ctx := e.ctx()
	final := map[string]int{}
	for n := range 15 {
		for i := range 4 {
			id := fmt.Sprintf("d%d", i)
			_, err := daos[(n+i)%3].Upsert(ctx, Doc{ID: id, N: n})
			e.must(err, "Upsert")
			final[id] = n
		}
	}
	ms := e.waitMsgs(topic, "the last state of every document", lastStates(e, final))
	e.checkOrder(ms, final)
	if got := s.maxInFlight(); got != 1 {
		e.t.Errorf("%d relays were sending at once, want 1: only the lease holder publishes", got)
	}
}

// lastStates returns a condition: the last event of every id in final
// carries its final state.
func lastStates(e *env, final map[string]int) func([]*events.Message) bool {
	return func(ms []*events.Message) bool {
		last := map[string]int{}
		for _, m := range ms {
			last[m.Key] = -1
			if m.Type == outbox.ChangeEventType {
				last[m.Key] = e.docOf(m).N
			}
		}
		for id, n := range final {
			if got, ok := last[id]; !ok || got != n {
				return false
			}
		}
		return true
	}
}

// testTakeoverAfterShutdown: a relay whose Run returned gave up the lease:
// another takes it at once.
func testTakeoverAfterShutdown(e *env) {
	topic, coll := e.topic(), e.name("c")
	r1, r2 := e.relay(nil, outbox.WithPollInterval(fastPoll)), e.relay(nil)
	d1, d2 := e.docs(r1, coll, topic), e.docs(r2, coll, topic)
	stop := e.run(r1)
	ctx := e.ctx()
	e.must(d1.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	e.waitCount(topic, 1)
	if _, err := d2.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) {
		e.t.Fatalf("PublishPending on the standby while the first relay runs = %v, want outbox.ErrLeaseHeld", err)
	}
	if err := stop(); err != nil {
		e.t.Fatalf("Run() = %v after cancel, want nil", err)
	}
	e.must(d1.Insert(ctx, Doc{ID: "b", N: 1}), "Insert through the stopped instance")
	e.publish(d2, 1, "the stopped relay released the lease: the standby takes it at once")
	e.checkOrder(e.msgs(topic), map[string]int{"a": 1, "b": 1})
}

// testTakeoverAfterDeath: a relay that holds the lease and dies without
// giving it up is replaced once the lease's TTL has run out, not before.
func testTakeoverAfterDeath(e *env) {
	const ttl = time.Second
	topic, coll := e.topic(), e.name("c")
	r1 := e.relay(nil, outbox.WithLeaseTTL(ttl))
	r2 := e.relay(nil, outbox.WithLeaseTTL(ttl), outbox.WithPollInterval(fastPoll))
	d1, d2 := e.docs(r1, coll, topic), e.docs(r2, coll, topic)
	ctx := e.ctx()
	e.must(d1.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	took := time.Now()
	e.publish(d1, 1, "the first relay takes the lease")
	// r1 is abandoned now: it holds the lease and never renews nor releases it.
	e.must(d2.Insert(ctx, Doc{ID: "b", N: 1}), "Insert")
	if _, err := d2.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) {
		e.t.Fatalf("PublishPending before the dead holder's lease ran out = %v, want outbox.ErrLeaseHeld", err)
	}
	e.run(r2)
	e.waitCount(topic, 2)
	if waited := time.Since(took); waited < ttl*9/10 {
		e.t.Errorf("the standby published %v after the holder took the lease, want at least the TTL %v", waited, ttl)
	}
	e.checkOrder(e.msgs(topic), map[string]int{"a": 1, "b": 1})
}

// testTakeoverKeepsOrder: the relays of four instances take turns (two
// stop, one dies holding the lease) while documents are written through
// all of them; every document's events keep the order of its writes and
// end with its last state.
func testTakeoverKeepsOrder(e *env) {
	topic, coll := e.topic(), e.name("c")
	opts := []outbox.RelayOption{outbox.WithPollInterval(fastPoll), outbox.WithLeaseTTL(time.Second), outbox.WithBatchSize(3)}
	var relays []*outbox.Relay
	var daos []outbox.DAO[Doc, string]
	for range 4 {
		r := e.relay(nil, opts...)
		relays = append(relays, r)
		daos = append(daos, e.docs(r, coll, topic))
	}
	ctx := e.ctx()
	final := map[string]int{}
	write := func(from, to int) {
		for n := from; n < to; n++ {
			for i := range 6 {
				id := fmt.Sprintf("d%d", i)
				_, err := daos[(n+i)%4].Upsert(ctx, Doc{ID: id, N: n})
				e.must(err, "Upsert")
				final[id] = n
			}
		}
	}
	stop0, stop1 := e.run(relays[0]), e.run(relays[1])
	write(0, 10)
	e.must(stop0(), "Run of the first relay")
	write(10, 20)
	e.must(stop1(), "Run of the second relay")
	write(20, 25)
	// The third relay takes the free lease, publishes once and dies: it
	// never renews nor releases it.
	if _, err := relays[2].PublishPending(ctx); err != nil {
		e.t.Fatalf("PublishPending on a free lease = %v", err)
	}
	write(25, 30)
	e.run(relays[3])
	write(30, 35)
	ms := e.waitMsgs(topic, "the last state of every document", lastStates(e, final))
	e.checkOrder(ms, final)
}
