package outboxtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// testBrokerDown: while the broker fails, writes succeed and nothing is
// lost; PublishPending reports the failure; the running relay publishes
// everything once the broker is back.
func testBrokerDown(e *env) {
	topic := e.topic()
	s := &faultySender{inner: e.sender()}
	var hookErrs atomic.Int64
	r := e.relay(s, outbox.WithPollInterval(fastPoll), outbox.WithRelayErrorHook(func(_ context.Context, err error) {
		if errors.Is(err, errBrokerDown) {
			hookErrs.Add(1)
		}
	}))
	d := e.docs(r, e.name("c"), topic)
	ctx := e.ctx()

	s.fail.Store(1)
	e.must(d.Insert(ctx, Doc{ID: "a", N: 1}), "Insert while the broker is down")
	n, err := d.PublishPending(ctx)
	if !errors.Is(err, errBrokerDown) || n != 0 {
		e.t.Errorf("PublishPending while the broker fails = %d, %v; want 0 and an error wrapping the sender's", n, err)
	}
	e.publish(d, 1, "the change stayed pending and is published once the broker is back")

	s.fail.Store(20)
	e.run(r)
	final := map[string]int{}
	for i := range 20 {
		id := fmt.Sprintf("d%02d", i)
		e.must(d.Insert(ctx, Doc{ID: id, N: i}), "Insert while the broker is down")
		final[id] = i
	}
	_, err = d.Update(ctx, Doc{ID: "a", N: 2})
	e.must(err, "Update while the broker is down")
	final["a"] = 2
	ms := e.waitMsgs(topic, "every write published after the broker came back", func(ms []*events.Message) bool {
		return len(byKey(ms)) == 21 && len(byKey(ms)["a"]) == 2
	})
	e.checkOrder(ms, final)
	if hookErrs.Load() == 0 {
		e.t.Errorf("the relay's error hook saw no failure, want the sender's errors")
	}
	if len(ms) != 22 {
		e.t.Errorf("topic holds %d events, want 22 (each change once):\n%s", len(ms), show(ms))
	}
}

// testPartialBatchFailure: the changes of a batch that the broker took are
// marked published, the others stay pending.
func testPartialBatchFailure(e *env) {
	topic := e.topic()
	s := &faultySender{inner: e.sender()}
	r := e.relay(s)
	d := e.docs(r, e.name("c"), topic)
	ctx := e.ctx()
	final := map[string]int{}
	for i := range 6 {
		id := fmt.Sprintf("d%d", i)
		e.must(d.Insert(ctx, Doc{ID: id, N: i}), "Insert")
		final[id] = i
	}
	s.partial.Store(true)
	n, err := d.PublishPending(ctx)
	if !errors.Is(err, errBrokerDown) || n != 3 {
		e.t.Errorf("PublishPending with half the batch failing = %d, %v; want 3 and the sender's error", n, err)
	}
	e.publish(d, 3, "the failed half stayed pending")
	ms := e.msgs(topic)
	if len(ms) != 6 {
		e.t.Errorf("topic holds %d events, want 6 (each change once):\n%s", len(ms), show(ms))
	}
	e.checkOrder(ms, final)
}

// testOrderUnderFailures: many writes of a few documents while the broker
// fails every third send: the states published for each document follow
// the order of its writes and end with its last state.
func testOrderUnderFailures(e *env) {
	topic := e.topic()
	s := &faultySender{inner: e.sender(), every: 3}
	r := e.relay(s, outbox.WithPollInterval(fastPoll), outbox.WithBatchSize(3), outbox.WithRelayErrorHook(func(context.Context, error) {}))
	d := e.docs(r, e.name("c"), topic)
	e.run(r)
	const ids, writes = 5, 40
	final := map[string]int{}
	var wg sync.WaitGroup
	for i := range ids {
		id := fmt.Sprintf("d%d", i)
		final[id] = writes
		wg.Go(func() {
			ctx := e.ctx()
			if err := d.Insert(ctx, Doc{ID: id, N: 0}); err != nil {
				e.t.Errorf("Insert: %v", err)
				return
			}
			for n := 1; n <= writes; n++ {
				if _, err := d.Update(ctx, Doc{ID: id, N: n}); err != nil {
					e.t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	ms := e.waitMsgs(topic, "the last state of every document", func(ms []*events.Message) bool {
		last := map[string]int{}
		for _, m := range ms {
			last[m.Key] = e.docOf(m).N
		}
		for id, n := range final {
			if last[id] != n {
				return false
			}
		}
		return true
	})
	e.checkOrder(ms, final)
}
