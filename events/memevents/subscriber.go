package memevents

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// Subscriber is one member of a consumer group: it hands the messages of
// the partitions assigned to it to its handler. Create it with
// [Broker.NewSubscriber] and start it with [Subscriber.Run].
type Subscriber struct {
	b          *Broker
	g          *group
	topics     []string
	h          events.MessageHandler
	backoffMin time.Duration
	backoffMax time.Duration

	// guarded by b.mu
	started bool
	left    bool
	cancel  context.CancelFunc
}

// SubscriberOption configures [Broker.NewSubscriber].
type SubscriberOption func(*Subscriber) error

// WithTopics sets the topics the subscriber consumes. Default: the
// handler's Topics() when it implements events.TopicLister (an
// *events.Router does); NewSubscriber fails when neither gives a topic.
func WithTopics(topics ...string) SubscriberOption {
	return func(s *Subscriber) error {
		for _, t := range topics {
			if err := events.ValidateTopic(t); err != nil {
				return err
			}
		}
		s.topics = slices.Clone(topics)
		return nil
	}
}

// WithRetryBackoff sets the pacing of redeliveries after a handler error:
// the first redelivery waits initial, each further one twice as long as the
// previous, at most max; a success resets it. Default: 10ms initial, 1s max.
func WithRetryBackoff(initial, max time.Duration) SubscriberOption {
	return func(s *Subscriber) error {
		if initial < 0 || max < initial {
			return fmt.Errorf("memevents: WithRetryBackoff(%v, %v): need 0 <= initial <= max", initial, max)
		}
		s.backoffMin, s.backoffMax = initial, max
		return nil
	}
}

// NewSubscriber returns a member of the consumer group groupName that
// hands messages to h. The member joins its group at once (topics that do
// not exist yet are created with the default partition count), so
// [Broker.WaitIdle] waits for it; the group's partitions are rebalanced
// over its members, and those assigned to this member wait until Run is
// called. The member leaves its group when Run returns.
func (b *Broker) NewSubscriber(groupName string, h events.MessageHandler, opts ...SubscriberOption) (*Subscriber, error) {
	if groupName == "" {
		return nil, errors.New("memevents: NewSubscriber: empty group name")
	}
	if h == nil {
		return nil, errors.New("memevents: NewSubscriber: nil handler")
	}
	s := &Subscriber{b: b, h: h, backoffMin: 10 * time.Millisecond, backoffMax: time.Second}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(s); err != nil {
			return nil, err
		}
	}
	if s.topics == nil {
		if tl, ok := h.(events.TopicLister); ok {
			s.topics = tl.Topics()
		}
	}
	if len(s.topics) == 0 {
		return nil, errors.New("memevents: NewSubscriber: no topics: use WithTopics or a handler with Topics()")
	}
	slices.Sort(s.topics)
	s.topics = slices.Compact(s.topics)

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, events.ErrClosed
	}
	for _, t := range s.topics {
		b.topicLocked(t)
	}
	g, ok := b.groups[groupName]
	if !ok {
		g = &group{name: groupName, committed: map[tp]int{}, owner: map[tp]*Subscriber{}, busy: map[tp]bool{}}
		b.groups[groupName] = g
	}
	s.g = g
	g.members = append(g.members, s)
	g.rebalance(b)
	b.notifyLocked()
	return s, nil
}

// Run hands the messages of the partitions assigned to s to its handler,
// one partition after the other in offset order and different partitions
// concurrently, until ctx ends or the broker is closed. A message is
// committed for the group when the handler returned nil; after an error the
// same message is redelivered to the handler, paced by WithRetryBackoff,
// and the partition does not move past it.
//
// When ctx ends, Run cancels the handlers' context, waits for in-flight
// handlers, leaves the group (its partitions go to the remaining members,
// from the committed offsets) and returns nil. When the broker is closed,
// it does the same and returns events.ErrClosed. Run may be called once.
func (s *Subscriber) Run(ctx context.Context) error {
	b := s.b
	b.mu.Lock()
	if s.started {
		b.mu.Unlock()
		return errors.New("memevents: Subscriber.Run called twice")
	}
	s.started = true
	if b.closed {
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
				wg.Add(1)
				go func() {
					defer wg.Done()
					s.consume(rctx, p)
				}()
			}
		}
		ch := b.changed
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

// leaveLocked removes s from its group. b.mu is held.
func (s *Subscriber) leaveLocked() {
	if s.left {
		return
	}
	s.left = true
	g := s.g
	g.members = slices.DeleteFunc(g.members, func(m *Subscriber) bool { return m == s })
	g.rebalance(s.b)
	s.b.notifyLocked()
}

// consume handles partition p while s owns it and rctx lasts.
func (s *Subscriber) consume(rctx context.Context, p tp) {
	b, g := s.b, s.g
	var delay time.Duration
	attempt := 0
	for {
		b.mu.Lock()
		if rctx.Err() != nil || g.owner[p] != s {
			g.busy[p] = false
			b.notifyLocked()
			b.mu.Unlock()
			return
		}
		off := g.committed[p]
		msgs := b.topics[p.topic].parts[p.part]
		if off >= len(msgs) {
			ch := b.changed
			b.mu.Unlock()
			select {
			case <-ch:
			case <-rctx.Done():
			}
			continue
		}
		m := clone(msgs[off])
		b.mu.Unlock()

		if err := s.h.HandleMessage(rctx, m); err != nil {
			attempt++
			delay = min(max(delay*2, s.backoffMin), s.backoffMax)
			b.logger.WarnContext(hexkit.WithCorrelationID(rctx, m.CorrelationID), "memevents: handler failed; redelivering",
				"group", g.name, "topic", p.topic, "partition", p.part, "offset", off,
				"type", m.Type, "event_id", m.EventID, "attempt", attempt, "retry_in", delay, "error", err)
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-rctx.Done():
				t.Stop()
			}
			continue
		}
		delay, attempt = 0, 0
		b.mu.Lock()
		if g.committed[p] == off {
			g.committed[p] = off + 1
		}
		b.notifyLocked()
		b.mu.Unlock()
	}
}

// group is a consumer group: its members, the partition each member owns
// and the committed offset (the next offset to handle) per partition.
type group struct {
	name      string
	members   []*Subscriber // in joining order
	committed map[tp]int
	owner     map[tp]*Subscriber
	busy      map[tp]bool // a member is consuming the partition
}

// topics returns the union of the members' topics.
func (g *group) topics() []string {
	var out []string
	for _, m := range g.members {
		out = append(out, m.topics...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// rebalance assigns the partitions of every topic the members consume
// round-robin over the members consuming it, in joining order. A member
// that loses a partition stops after its in-flight message; the new owner
// starts once it did (busy), from the committed offset. b.mu is held.
func (g *group) rebalance(b *Broker) {
	clear(g.owner)
	for _, name := range g.topics() {
		var ms []*Subscriber
		for _, m := range g.members {
			if slices.Contains(m.topics, name) {
				ms = append(ms, m)
			}
		}
		t := b.topicLocked(name)
		for p := range t.parts {
			g.owner[tp{name, p}] = ms[p%len(ms)]
		}
	}
}
