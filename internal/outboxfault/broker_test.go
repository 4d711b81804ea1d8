package outboxfault

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/outbox"
)

// outage is how long the broker stays stopped.
const outage = 10 * time.Second

// TestBrokerStoppedDuringWrites stops the test's own Apache Kafka for 10
// seconds while a writer goes on writing through an outbox DAO: no write
// may fail, and once the broker is back the relay publishes every change
// (every id's last event is its stored state, in order per id).
func TestBrokerStoppedDuringWrites(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	tg, ks := privateServers(ctx, t)
	var relayErrs atomic.Int64
	w, err := open(ctx, tg, testLogger(t), outbox.WithPollInterval(100*time.Millisecond),
		outbox.WithRelayErrorHook(func(context.Context, error) { relayErrs.Add(1) }))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.close(context.WithoutCancel(ctx)) }()
	runCtx, stopRelay := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopRelay()
	wg.Go(func() {
		if err := w.relay.Run(runCtx); err != nil {
			t.Errorf("relay.Run: %v", err)
		}
	})

	// The writer paces itself (a change every 5ms at most) so that the
	// outage falls in the middle of its work, and keeps a tenth of its
	// changes for after the broker is back.
	s := brokerSchedule
	head, tail := s.total()/10, s.total()/10
	var (
		phase   atomic.Int32 // 0 before the outage, 1 during, 2 after
		written [3]atomic.Int64
		failed  atomic.Int64
		back    = make(chan struct{})
	)
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		for k := range s.total() {
			if k == s.total()-tail {
				select {
				case <-back:
				case <-ctx.Done():
					return
				}
			}
			p := phase.Load()
			if err := s.apply(ctx, w.dao, s.at(k)); err != nil {
				failed.Add(1)
				t.Errorf("a write failed during phase %d: %v", p, err)
				return
			}
			written[p].Add(1)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	for written[0].Load() < int64(head) {
		if ctx.Err() != nil || failed.Load() > 0 {
			t.Fatalf("the writer did not get to %d changes: %v", head, ctx.Err())
		}
		time.Sleep(10 * time.Millisecond)
	}
	phase.Store(1)
	downStart := time.Now()
	ks.Down(t)
	downTook := time.Since(downStart)
	time.Sleep(outage)
	upStart := time.Now()
	ks.Up(t)
	upAt := time.Now()
	phase.Store(2)
	close(back)
	<-wrote

	// Wait until a pass finds nothing left to publish.
	pending := -1
	for pending != 0 {
		n, err := w.relay.PublishPending(ctx)
		switch {
		case ctx.Err() != nil:
			t.Fatalf("changes still pending %v after the broker came back", time.Since(upAt))
		case err != nil:
			time.Sleep(100 * time.Millisecond)
		default:
			pending = n
		}
	}
	caughtUp := time.Since(upAt)
	stopRelay()
	st, err := s.stored(ctx, w.dao)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.resume(st); got != s.total() || failed.Load() != 0 {
		t.Fatalf("%d changes stored, %d writes failed; want all %d stored and none failed", got, failed.Load(), s.total())
	}
	v := expectComplete(t, tg.Brokers, tg.Topic, s)
	if written[1].Load() == 0 || relayErrs.Load() == 0 {
		t.Errorf("%d writes while the broker was down, %d relay errors: the outage did not hit the relay", written[1].Load(), relayErrs.Load())
	}
	t.Logf("broker down: %d changes over %d ids (%d before, %d while the broker was stopping (%v), down (%v) and starting (%v), %d after), "+
		"0 writes failed, %d relay passes failed, everything published %v after the broker was back; %v; %v in all",
		s.total(), s.ids, written[0].Load(), written[1].Load(), downTook.Round(time.Millisecond), outage,
		upAt.Sub(upStart).Round(time.Millisecond), written[2].Load(),
		relayErrs.Load(), caughtUp.Round(time.Millisecond), v, time.Since(start).Round(time.Millisecond))
}
