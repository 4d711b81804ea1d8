package memevents

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// NewSubscriber returns a member of the consumer group group on b that
// hands messages to h, configured by the options of package events (topics
// from h when it is an events.TopicLister, backoff, logger, error hook).
// The member joins its group at once, so [Broker.WaitIdle] and the
// subscriber's WaitIdle wait for it; the group's partitions are rebalanced
// over its members, and those assigned to this member wait until Run is
// called. The member leaves its group when Run returns. Errors are those
// of events.NewSubscriber, wrapped with [ErrInvalidConfig] when they are
// about an option; after Close it fails with events.ErrClosed.
func NewSubscriber(b *Broker, group string, h events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: NewSubscriber: nil *Broker", ErrInvalidConfig)
	}
	s, err := events.NewSubscriber(b.join, group, h, opts...)
	return s, optionErr(err)
}

// subscriber is one member of a consumer group.
type subscriber struct {
	b   *Broker
	g   *group
	cfg driver.SubscriberConfig

	// guarded by b.mu
	left   bool
	cancel context.CancelFunc
}

// join adds a member to its group.
func (b *Broker) join(cfg driver.SubscriberConfig) (driver.Subscriber, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, events.ErrClosed
	}
	g, ok := b.groups[cfg.Group]
	if !ok {
		g = &group{name: cfg.Group, committed: map[tp]int{}, owner: map[tp]*subscriber{}, busy: map[tp]bool{}}
		b.groups[cfg.Group] = g
	}
	s := &subscriber{b: b, g: g, cfg: cfg}
	g.members = append(g.members, s)
	g.rebalance(b)
	b.notifyLocked()
	return s, nil
}

// Run hands the messages of the partitions assigned to s to its handler,
// one partition after the other in offset order and different partitions
// concurrently, until ctx ends or the broker is closed.
func (s *subscriber) Run(ctx context.Context) error {
	b := s.b
	b.mu.Lock()
	if b.closed || s.left {
		s.leaveLocked()
		b.mu.Unlock()
		return events.ErrClosed
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.cancel = cancel
	b.running[s] = struct{}{}
	b.runWG.Add(1)
	defer b.runWG.Done()
	b.mu.Unlock()

	var wg sync.WaitGroup
	for {
		b.mu.Lock()
		if rctx.Err() != nil {
			b.mu.Unlock()
			break
		}
		for p, owner := range s.g.owner {
			if owner == s && !s.g.busy[p] {
				s.g.busy[p] = true
				wg.Go(func() { s.consume(rctx, p) })
			}
		}
		ch := b.assigned.wait()
		b.mu.Unlock()
		select {
		case <-ch:
		case <-rctx.Done():
		}
	}
	wg.Wait()

	b.mu.Lock()
	delete(b.running, s)
	closed := b.closed
	s.leaveLocked()
	b.mu.Unlock()
	if closed && ctx.Err() == nil {
		return events.ErrClosed
	}
	return nil
}

// WaitIdle waits until the group has committed every message that the
// subscriber's topics held when it was called.
func (s *subscriber) WaitIdle(ctx context.Context) error {
	b := s.b
	b.mu.Lock()
	target := map[tp]int{}
	for _, name := range s.cfg.Topics {
		if t, ok := b.topics[name]; ok {
			for p, part := range t.parts {
				target[tp{name, p}] = len(part.msgs)
			}
		}
	}
	b.mu.Unlock()
	return b.waitUntil(ctx, func() bool {
		for p, n := range target {
			if s.g.committed[p] < n {
				return false
			}
		}
		return true
	})
}

// Closed reports whether the broker was closed.
func (s *subscriber) Closed() bool {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.b.closed
}

// As reaches nothing: the in-memory provider has no native types.
func (s *subscriber) As(any) bool { return false }

// leaveLocked removes s from its group. b.mu is held.
func (s *subscriber) leaveLocked() {
	if s.left {
		return
	}
	s.left = true
	g := s.g
	g.members = slices.DeleteFunc(g.members, func(m *subscriber) bool { return m == s })
	g.rebalance(s.b)
	s.b.notifyLocked()
}

// consume handles partition p while s owns it and rctx lasts. Each turn
// takes b.mu once: to commit the message just handled, check that s still
// owns p and take the next message, which is copied outside the lock
// (stored messages never change).
func (s *subscriber) consume(rctx context.Context, p tp) {
	b, g := s.b, s.g
	h := s.cfg.Handler
	var delay time.Duration
	attempt := 0
	done := -1 // the offset just handled, to commit
	b.mu.Lock()
	part := b.topics[p.topic].parts[p.part]
	for {
		if done >= 0 {
			if g.committed[p] == done {
				g.committed[p] = done + 1
			}
			b.changed.fire()
			done = -1
		}
		if rctx.Err() != nil || g.owner[p] != s {
			g.busy[p] = false
			b.notifyLocked()
			b.mu.Unlock()
			return
		}
		off := g.committed[p]
		if off >= len(part.msgs) {
			arrived, assigned := part.arrived.wait(), b.assigned.wait()
			b.mu.Unlock()
			select {
			case <-arrived:
			case <-assigned:
			case <-rctx.Done():
			}
			b.mu.Lock()
			continue
		}
		stored := part.msgs[off]
		b.mu.Unlock()

		m := clone(stored)
		if err := h.HandleMessage(rctx, m); err != nil {
			if rctx.Err() == nil {
				attempt++
				delay = min(max(delay*2, s.cfg.Backoff.Initial), s.cfg.Backoff.Max)
				s.failed(rctx, p, off, m, attempt, delay, err)
			}
			b.mu.Lock()
			continue
		}
		delay, attempt = 0, 0
		done = off
		b.mu.Lock()
	}
}

// failed reports the failure of the handler on message m at offset off of
// p and waits delay before the redelivery, or until rctx ends.
func (s *subscriber) failed(rctx context.Context, p tp, off int, m *driver.Message, attempt int, delay time.Duration, err error) {
	lctx := rctx
	if hexkit.ValidateCorrelationID(m.CorrelationID) == nil {
		lctx = hexkit.WithCorrelationID(rctx, m.CorrelationID)
	}
	s.cfg.Logger.WarnContext(lctx, "memevents: handler failed; redelivering",
		"group", s.g.name, "topic", p.topic, "partition", p.part, "offset", off,
		"type", m.Type, "event_id", m.EventID, "attempt", attempt, "retry_in", delay, "error", err)
	s.cfg.OnError(lctx, fmt.Errorf("memevents: handling %s/%d@%d (attempt %d) failed: %w", p.topic, p.part, off, attempt, err))
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-rctx.Done():
	}
}

// group is a consumer group: its members, the partition each member owns
// and the committed offset (the next offset to handle) per partition.
type group struct {
	name      string
	members   []*subscriber // in joining order
	committed map[tp]int
	owner     map[tp]*subscriber
	busy      map[tp]bool // a member is consuming the partition
}

// topics returns the union of the members' topics.
func (g *group) topics() []string {
	var out []string
	for _, m := range g.members {
		out = append(out, m.cfg.Topics...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// rebalance assigns the partitions of every existing topic the members
// consume round-robin over the members consuming it, in joining order. A
// member that loses a partition stops after its in-flight message; the new
// owner starts once it did (busy), from the committed offset. b.mu is
// held.
func (g *group) rebalance(b *Broker) {
	clear(g.owner)
	for _, name := range g.topics() {
		t, ok := b.topics[name]
		if !ok {
			continue
		}
		var ms []*subscriber
		for _, m := range g.members {
			if slices.Contains(m.cfg.Topics, name) {
				ms = append(ms, m)
			}
		}
		for p := range t.parts {
			g.owner[tp{name, p}] = ms[p%len(ms)]
		}
	}
}
