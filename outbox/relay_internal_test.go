package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

// heldLease is a lease always held by another relay; it counts the
// requests for it.
type heldLease struct{ asked atomic.Int64 }

func (l *heldLease) Acquire(context.Context, string, string, time.Duration) (bool, error) {
	l.asked.Add(1)
	return false, nil
}

func (l *heldLease) Release(context.Context, string, string) error { return nil }

type nopSender struct{}

func (nopSender) Send(context.Context, ...*events.Message) error { return nil }

// A standby relay asks for the lease once per poll interval, however many
// writes its instance makes.
func TestStandbyIgnoresWrites(t *testing.T) {
	l := &heldLease{}
	r, err := NewRelay(nopSender{}, l, WithPollInterval(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := r.Run(ctx); err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
	for l.asked.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	for range 100 {
		r.notify()
		time.Sleep(100 * time.Microsecond)
	}
	time.Sleep(20 * time.Millisecond)
	cancel()
	wg.Wait()
	if got := l.asked.Load(); got != 1 {
		t.Errorf("the standby asked for the lease %d times during 100 writes and no poll, want 1", got)
	}
}
