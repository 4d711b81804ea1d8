package eventstest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// collector gathers what the suite's handlers see and lets the test wait
// until it holds what a rule expects. It is the suite's one recorder: the
// cases collect handler calls ([recorder]), dead letters, attempt numbers
// or event numbers in it.
type collector[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{} // closed and replaced by every add

	// describe, when set, summarises the items in the message of a wait
	// that timed out.
	describe func([]T) string
}

func newCollector[T any]() *collector[T] { return &collector[T]{changed: make(chan struct{})} }

func (c *collector[T]) add(v T) {
	c.mu.Lock()
	c.items = append(c.items, v)
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

func (c *collector[T]) snapshot() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.items)
}

// waitFor waits until cond holds for the items and returns them; after
// waitTimeout it fails the test with rule, the broken rule in a sentence,
// and what arrived.
func (c *collector[T]) waitFor(t *testing.T, rule string, cond func([]T) bool) []T {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		c.mu.Lock()
		items, ch := slices.Clone(c.items), c.changed
		c.mu.Unlock()
		if cond(items) {
			return items
		}
		select {
		case <-ch:
		case <-timer.C:
			seen := ""
			if c.describe != nil {
				seen = ": " + c.describe(items)
			}
			t.Fatalf("%s (gave up after %v; %d seen%s)", rule, waitTimeout, len(items), seen)
		}
	}
}

// waitN waits until at least n items arrived and returns them.
func (c *collector[T]) waitN(t *testing.T, rule string, n int) []T {
	t.Helper()
	return c.waitFor(t, fmt.Sprintf("%s: want %d", rule, n), func(items []T) bool { return len(items) >= n })
}

// record is one handler call seen by a recorder.
type record struct {
	member string
	d      events.Delivery[testEvent]
	ctxCID string // correlation id found in the handler's context
	err    error  // what the handler returned
}

// recorder collects the calls of the typed handlers it makes.
type recorder struct{ *collector[record] }

func newRecorder() *recorder {
	c := newCollector[record]()
	c.describe = summarize
	return &recorder{c}
}

// handler returns a typed handler that records under member and returns
// fail's result (nil fail: success).
func (r *recorder) handler(member string, fail func(ctx context.Context, d events.Delivery[testEvent]) error) events.Handler[testEvent] {
	return func(ctx context.Context, d events.Delivery[testEvent]) error {
		var err error
		if fail != nil {
			err = fail(ctx, d)
		}
		cid, _ := hexkit.CorrelationID(ctx)
		r.add(record{member: member, d: d, ctxCID: cid, err: err})
		return err
	}
}
