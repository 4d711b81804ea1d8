package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// testPublishPendingOnlyPending: PublishPending publishes the pending
// changes of its own DAO only, once; the relay's PublishPending those of
// every DAO and publisher built on it.
func testPublishPendingOnlyPending(e *env) {
	t1, t2 := e.topic(), e.topic()
	r := e.relay(nil)
	d1 := e.docs(r, e.name("c1"), t1)
	d2 := e.docs(r, e.name("c2"), t2)
	p := e.publisher(r, e.name("s"), t2)
	ctx := e.ctx()
	e.must(d1.Insert(ctx, Doc{ID: "a"}), "Insert")
	e.must(d2.Insert(ctx, Doc{ID: "x"}), "Insert")
	e.publish(d1, 1, "d1 has one pending change; d2's are not d1's")
	e.publish(d1, 0, "published changes are not pending any more")
	if ms := e.msgs(t2); len(ms) != 0 {
		e.t.Fatalf("DAO.PublishPending published another DAO's changes:\n%s", show(ms))
	}
	e.must(d1.Insert(ctx, Doc{ID: "b"}), "Insert")
	e.must(p.Publish(ctx, "k", Event{Seq: 1}), "Publish")
	e.publish(r, 3, "Relay.PublishPending publishes every DAO's and publisher's pending changes")
	e.publish(r, 0, "nothing is pending any more")
	if got := keys(e.msgs(t1)); !slices.Equal(got, []string{"a", "b"}) {
		e.t.Errorf("keys on %s = %v, want [a b]: each change published once", t1, got)
	}
	if got := keys(e.msgs(t2)); !slices.Equal(got, []string{"x", "k"}) {
		e.t.Errorf("keys on %s = %v, want [x k]", t2, got)
	}
}

func keys(ms []*events.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	return out
}

// testPublishPendingBatches: more pending changes than a batch holds are
// all published, in order of id.
func testPublishPendingBatches(e *env) {
	topic := e.topic()
	r := e.relay(nil, outbox.WithBatchSize(2))
	d := e.docs(r, e.name("c"), topic)
	ctx := e.ctx()
	var want []string
	for _, i := range []int{3, 0, 4, 1, 2} {
		e.must(d.Insert(ctx, Doc{ID: fmt.Sprintf("d%d", i), N: i}), "Insert")
	}
	for i := range 5 {
		want = append(want, fmt.Sprintf("d%d", i))
	}
	e.must(d.Delete(ctx, "d2"), "Delete")
	e.publish(d, 5, "five pending changes in batches of 2")
	if got := keys(e.msgs(topic)); !slices.Equal(got, want) {
		e.t.Errorf("published keys = %v, want %v (every change, in order of id)", got, want)
	}
}

// testRepublish: Republish publishes the current state of every document,
// tombstones included, once more.
func testRepublish(e *env) {
	topic, _, d := e.setup()
	ctx := e.ctx()
	if n, err := d.Republish(ctx); err != nil || n != 0 {
		e.t.Fatalf("Republish of an empty collection = %d, %v; want 0, nil", n, err)
	}
	for _, id := range []string{"a", "b", "c"} {
		e.must(d.Insert(ctx, Doc{ID: id, N: 1}), "Insert")
	}
	e.must(d.Delete(ctx, "b"), "Delete")
	_, err := d.Update(ctx, Doc{ID: "c", N: 2})
	e.must(err, "Update")
	e.publish(d, 3, "three documents written")
	n, err := d.Republish(ctx)
	if err != nil || n != 3 {
		e.t.Fatalf("Republish() = %d, %v; want 3, nil (every document, tombstones included)", n, err)
	}
	ms := e.msgs(topic)
	if len(ms) != 6 {
		e.t.Fatalf("topic holds %d events after Republish, want 6:\n%s", len(ms), show(ms))
	}
	e.checkChange(ms[3], topic, "a", Doc{ID: "a", N: 1}, ms[0].CorrelationID)
	e.checkChange(ms[4], topic, "b", nil, ms[1].CorrelationID)
	e.checkChange(ms[5], topic, "c", Doc{ID: "c", N: 2}, ms[2].CorrelationID)
	for i := range 3 {
		if ms[i+3].EventID == ms[i].EventID {
			e.t.Errorf("republished event of %q reuses event id %s: a republication is a new event", ms[i].Key, ms[i].EventID)
		}
	}
	e.publish(d, 0, "Republish leaves nothing pending")
}

// testWriteDuringPass: a write that lands while its document's previous
// state is being sent is not marked published with it: it is published by
// the next pass.
func testWriteDuringPass(e *env) {
	topic := e.topic()
	var d outbox.DAO[Doc, string]
	var once atomic.Bool
	s := &faultySender{inner: e.sender()}
	s.before = func(ctx context.Context, _ []*events.Message) {
		if once.CompareAndSwap(false, true) {
			if _, err := d.Update(context.WithoutCancel(ctx), Doc{ID: "a", N: 2}); err != nil {
				e.t.Errorf("Update during the send: %v", err)
			}
		}
	}
	r := e.relay(s)
	d = e.docs(r, e.name("c"), topic)
	ctx := e.ctx()
	e.must(d.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	e.must(d.Insert(ctx, Doc{ID: "b", N: 1}), "Insert")
	if n, err := d.PublishPending(ctx); err != nil || n < 1 {
		e.t.Fatalf("PublishPending() = %d, %v; want the first states published", n, err)
	}
	e.publish(d, 1, "the write made during the send is still pending")
	e.publish(d, 0, "now everything is published")
	ms := e.msgs(topic)
	if len(ms) != 3 {
		e.t.Fatalf("topic holds %d events, want 3:\n%s", len(ms), show(ms))
	}
	e.checkOrder(ms, map[string]int{"a": 2, "b": 1})
}

// testRelayPublishesWrites: a running relay publishes a write of its own
// instance at once, without waiting for the poll interval.
func testRelayPublishesWrites(e *env) {
	topic := e.topic()
	r := e.relay(nil, outbox.WithPollInterval(time.Minute))
	d := e.docs(r, e.name("c"), topic)
	e.run(r)
	ctx, cid := e.cctx()
	time.Sleep(50 * time.Millisecond) // the first pass found nothing
	e.must(d.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	ms := e.waitCount(topic, 1)
	e.checkChange(ms[0], topic, "a", Doc{ID: "a", N: 1}, cid)
	e.must(d.Delete(ctx, "a"), "Delete")
	ms = e.waitCount(topic, 2)
	e.checkChange(ms[1], topic, "a", nil, cid)
}

// testRelayPollsOtherInstances: a change written through another
// instance's DAO (whose relay does not run) is found by polling and
// published by the running relay; the DAOs of both instances share the
// collection.
func testRelayPollsOtherInstances(e *env) {
	topic, coll := e.topic(), e.name("c")
	r1 := e.relay(nil, outbox.WithPollInterval(fastPoll))
	r2 := e.relay(nil, outbox.WithPollInterval(fastPoll))
	d1 := e.docs(r1, coll, topic)
	d2 := e.docs(r2, coll, topic)
	e.run(r1)
	ctx, cid := e.cctx()
	e.must(d2.Insert(ctx, Doc{ID: "a", N: 1}), "Insert through instance 2")
	if got, err := d1.Get(ctx, "a"); err != nil || got.N != 1 {
		e.t.Fatalf("Get through instance 1 = %+v, %v: DAOs over one collection share its documents", got, err)
	}
	ms := e.waitCount(topic, 1)
	e.checkChange(ms[0], topic, "a", Doc{ID: "a", N: 1}, cid)
	if _, err := r2.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) {
		e.t.Errorf("PublishPending on the standby relay = %v, want outbox.ErrLeaseHeld", err)
	}
}

// testSharedCollection: an outbox DAO opened on a collection that another
// DAO wrote sees its documents and publishes their pending changes.
func testSharedCollection(e *env) {
	topic, coll := e.topic(), e.name("c")
	r1 := e.relay(nil)
	d1 := e.docs(r1, coll, topic)
	ctx := e.ctx()
	e.must(d1.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	e.must(d1.Insert(ctx, Doc{ID: "b", N: 1}), "Insert")
	e.publish(d1, 2, "two documents")
	e.must(d1.Delete(ctx, "b"), "Delete")
	d2 := e.docs(r1, coll, topic)
	if n, err := d2.Count(ctx, docN.Eq(1)); err != nil || n != 1 {
		e.t.Errorf("Count on a second DAO of the collection = %d, %v; want 1", n, err)
	}
	if err := d2.Insert(ctx, Doc{ID: "b"}); err == nil {
		e.t.Errorf("Insert of a deleted id through a second DAO = nil, want dao.ErrAlreadyExists")
	}
	e.publish(d2, 1, "the second DAO publishes the deletion written through the first one")
	e.publish(d1, 0, "and the first DAO finds it published")
	_, err := d2.Upsert(ctx, Doc{ID: "b", N: 5})
	e.must(err, "Upsert")
	e.publish(d1, 1, "the first DAO publishes the second one's write")
	e.checkOrder(e.msgs(topic), map[string]int{"a": 1, "b": 5})
}
