package eventstest

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// collector gathers values from handlers and lets the test wait for them.
type collector[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{}
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

// waitN waits until at least n items arrived and returns them.
func (c *collector[T]) waitN(t *testing.T, rule string, n int) []T {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		got, ch := len(c.items), c.changed
		c.mu.Unlock()
		if got >= n {
			return c.snapshot()
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("%s: got %d items within %v, want %d", rule, got, waitTimeout, n)
		}
	}
}
