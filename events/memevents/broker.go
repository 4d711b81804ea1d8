package memevents

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

// ErrTopicExists is returned by [Broker.CreateTopic] for a topic that
// already exists (created explicitly or implicitly by a send or a
// subscriber).
var ErrTopicExists = errors.New("memevents: topic already exists")

// Broker is an in-memory event broker: topics with partitions, consumer
// groups with committed offsets, at-least-once delivery. It implements
// [events.Sender]. A Broker is safe for concurrent use; its zero value is
// not usable, call [New].
type Broker struct {
	partitions int
	logger     *slog.Logger
	now        func() time.Time

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	topics  map[string]*topic
	groups  map[string]*group
	closed  bool
	running map[*Subscriber]struct{} // subscribers inside Run
	runWG   sync.WaitGroup
}

var _ events.Sender = (*Broker)(nil)

type topic struct {
	parts [][]*events.Message // per partition, by offset
}

// tp names one partition of a topic.
type tp struct {
	topic string
	part  int
}

// Option configures [New].
type Option func(*Broker) error

// WithPartitions sets the number of partitions of topics the broker creates
// implicitly, on the first send to them or when a subscriber names them.
// Default: 1, like Kafka's num.partitions. Use [Broker.CreateTopic] for
// another count per topic.
func WithPartitions(n int) Option {
	return func(b *Broker) error {
		if n < 1 {
			return fmt.Errorf("memevents: WithPartitions(%d): need at least 1", n)
		}
		b.partitions = n
		return nil
	}
}

// WithLogger sets the logger for handler failures (a warning per failed
// attempt). Default: slog.Default() at the time New is called.
func WithLogger(l *slog.Logger) Option {
	return func(b *Broker) error {
		if l == nil {
			return errors.New("memevents: WithLogger(nil)")
		}
		b.logger = l
		return nil
	}
}

// WithClock sets the clock that stamps sent messages (Message.Timestamp).
// Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(b *Broker) error {
		if now == nil {
			return errors.New("memevents: WithClock(nil)")
		}
		b.now = now
		return nil
	}
}

// New returns an empty broker.
func New(opts ...Option) (*Broker, error) {
	b := &Broker{
		partitions: 1,
		logger:     slog.Default(),
		now:        time.Now,
		changed:    make(chan struct{}),
		topics:     map[string]*topic{},
		groups:     map[string]*group{},
		running:    map[*Subscriber]struct{}{},
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// notifyLocked wakes everything waiting for a state change. b.mu is held.
func (b *Broker) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// CreateTopic creates topic with the given number of partitions. It fails
// with a *events.ValidationError for an invalid name, and with
// [ErrTopicExists] when the topic exists.
func (b *Broker) CreateTopic(name string, partitions int) error {
	if err := events.ValidateTopic(name); err != nil {
		return err
	}
	if partitions < 1 {
		return fmt.Errorf("memevents: CreateTopic(%q, %d): need at least 1 partition", name, partitions)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return events.ErrClosed
	}
	if _, ok := b.topics[name]; ok {
		return fmt.Errorf("%w: %q", ErrTopicExists, name)
	}
	b.topics[name] = &topic{parts: make([][]*events.Message, partitions)}
	for _, g := range b.groups {
		g.rebalance(b)
	}
	b.notifyLocked()
	return nil
}

// topicLocked returns the topic name, creating it with the default
// partition count when it does not exist. b.mu is held.
func (b *Broker) topicLocked(name string) *topic {
	t, ok := b.topics[name]
	if !ok {
		t = &topic{parts: make([][]*events.Message, b.partitions)}
		b.topics[name] = t
	}
	return t
}

// Send validates msgs and appends each valid one to its topic's partition
// chosen by its key (creating the topic when needed), stamped with the
// broker's clock. It implements [events.Sender]: nil when all were stored,
// otherwise a *events.BatchError with the error of each failed message
// (invalid ones wrap events.ErrInvalidMessage, all wrap events.ErrClosed
// after Close); a done ctx returns its error and stores nothing. The broker
// keeps copies: callers may reuse msgs afterwards.
func (b *Broker) Send(ctx context.Context, msgs ...*events.Message) error {
	return b.send(ctx, true, msgs)
}

func (b *Broker) send(ctx context.Context, validate bool, msgs []*events.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var errs []error
	fail := func(i int, err error) {
		if errs == nil {
			errs = make([]error, len(msgs))
		}
		errs[i] = err
	}
	copies := make([]*events.Message, len(msgs))
	for i, m := range msgs {
		switch {
		case m == nil:
			fail(i, &events.ValidationError{Field: "message", Value: "<nil>", Reason: "nil message"})
			continue
		case validate:
			if err := m.Validate(); err != nil {
				fail(i, err)
				continue
			}
		}
		copies[i] = clone(m)
	}
	now := b.now()
	b.mu.Lock()
	for i, c := range copies {
		if c == nil {
			continue
		}
		if b.closed {
			fail(i, events.ErrClosed)
			continue
		}
		c.Timestamp = now
		t := b.topicLocked(c.Topic)
		p := partitionFor(c.Key, len(t.parts))
		t.parts[p] = append(t.parts[p], c)
	}
	b.notifyLocked()
	b.mu.Unlock()
	if errs != nil {
		return &events.BatchError{Errs: errs}
	}
	return nil
}

// clone returns a deep copy of m.
func clone(m *events.Message) *events.Message {
	c := *m
	if m.Headers != nil {
		c.Headers = maps.Clone(m.Headers)
	}
	if m.Payload != nil {
		c.Payload = slices.Clone(m.Payload)
	}
	return &c
}

// Messages returns copies of the messages stored in topic, partition after
// partition, each in offset order; nil for an unknown topic. It lets unit
// tests check what was published without subscribing.
func (b *Broker) Messages(topic string) []*events.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.topics[topic]
	if !ok {
		return nil
	}
	var out []*events.Message
	for _, p := range t.parts {
		for _, m := range p {
			out = append(out, clone(m))
		}
	}
	return out
}

// WaitIdle returns nil once every message stored in the topics of every
// group with members has been handled (committed) by that group, and the
// context's error if ctx ends first. A group's members count from
// [Broker.NewSubscriber] until their Run returns, so a test may start
// subscribers, publish and call WaitIdle without racing with the
// subscribers' start. WaitIdle does not return while a handler keeps
// failing. After Close it returns events.ErrClosed.
func (b *Broker) WaitIdle(ctx context.Context) error {
	for {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return events.ErrClosed
		}
		idle := b.idleLocked()
		ch := b.changed
		b.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (b *Broker) idleLocked() bool {
	for _, g := range b.groups {
		if len(g.members) == 0 {
			continue
		}
		for _, name := range g.topics() {
			t := b.topics[name]
			for p, msgs := range t.parts {
				if g.committed[tp{name, p}] < len(msgs) {
					return false
				}
			}
		}
	}
	return true
}

// Close stops the broker: later sends fail with events.ErrClosed, running
// subscribers drain (their handlers' contexts are canceled, in-flight
// handlers finish) and their Run returns events.ErrClosed; Close returns
// once they did. Close must not be called from a handler. Calling Close
// again is a no-op.
func (b *Broker) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.runWG.Wait()
		return nil
	}
	b.closed = true
	for s := range b.running {
		s.cancel()
	}
	b.notifyLocked()
	b.mu.Unlock()
	b.runWG.Wait()
	return nil
}
