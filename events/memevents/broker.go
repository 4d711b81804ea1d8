package memevents

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
	"github.com/hexkit-go/hexkit/events/internal/handoff"
)

// Broker is an in-memory event broker: topics with partitions, consumer
// groups with committed offsets, at-least-once delivery. Build publishers,
// senders and subscribers on it with [NewPublisher], [NewSender] and
// [NewSubscriber]. A Broker is safe for concurrent use; its zero value is
// not usable, call [New].
type Broker struct {
	now     func() time.Time
	maxSize int

	mu       sync.Mutex
	changed  signal // every state change: for WaitIdle
	assigned signal // topics, members, partition owners, close: for Run and idle consumers
	topics   map[string]*topic
	groups   map[string]*group
	closed   bool
	running  map[*subscriber]struct{} // subscribers inside Run
	runWG    sync.WaitGroup
}

type topic struct {
	parts []*partition
}

// tp names one partition of a topic.
type tp struct {
	topic string
	part  int
}

// Option configures [New], which checks every option it is given and
// fails with an error wrapping [ErrInvalidConfig] naming each invalid one.
type Option func(*options)

type options struct {
	now     func() time.Time
	maxSize int
	err     error // the invalid options, joined
}

func (o *options) invalid(format string, args ...any) {
	o.err = errors.Join(o.err, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
}

// WithClock sets the clock that stamps sent messages (Message.Timestamp).
// Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now == nil {
			o.invalid("WithClock(nil)")
			return
		}
		o.now = now
	}
}

// DefaultMaxMessageSize is the default of [WithMaxMessageSize]: 1 MiB,
// the default of kafka.Config.MaxMessageSize and about Kafka's own.
const DefaultMaxMessageSize = 1 << 20

// The range of [WithMaxMessageSize], kafka.Config.MaxMessageSize's.
const (
	minMaxSize = 512
	maxMaxSize = 100 << 20
)

// WithMaxMessageSize sets the largest message the broker stores, counted
// as the kafka provider's producer counts it against
// kafka.Config.MaxMessageSize: key, payload and every header's name and
// value (the reserved ones included) with Kafka's framing of the record,
// its headers and its batch (events/driver.RecordSize). So at the same
// limit both refuse the same messages. A larger message fails with
// events.ErrMessageTooLarge. It needs 512 <= n <= 104857600 (100 MiB),
// the range kafka.Open accepts. Default:
// [DefaultMaxMessageSize]; set it to the producer limit of the Kafka
// deployment the service runs against.
func WithMaxMessageSize(n int) Option {
	return func(o *options) {
		if n < minMaxSize || n > maxMaxSize {
			o.invalid("WithMaxMessageSize(%d): need %d to %d, as kafka.Config.MaxMessageSize", n, minMaxSize, maxMaxSize)
			return
		}
		o.maxSize = n
	}
}

// New returns an empty broker: it has no topics until [Broker.CreateTopic]
// creates them. An invalid option fails with an error wrapping
// [ErrInvalidConfig].
func New(opts ...Option) (*Broker, error) {
	o := options{now: time.Now, maxSize: DefaultMaxMessageSize}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.err != nil {
		return nil, o.err
	}
	return &Broker{
		now:     o.now,
		maxSize: o.maxSize,
		topics:  map[string]*topic{},
		groups:  map[string]*group{},
		running: map[*subscriber]struct{}{},
	}, nil
}

// NewPublisher returns a publisher of E events to topic on b. It fails
// like events.NewPublisher: an invalid topic name or an event type E cannot
// name wraps events.ErrInvalidMessage; an invalid option wraps
// events.ErrInvalidOption and [ErrInvalidConfig]. The topic need not exist
// yet; publishing fails with events.ErrTopicNotFound while it does not.
func NewPublisher[E events.Event](b *Broker, topic string, opts ...events.PublisherOption) (events.Publisher[E], error) {
	if b == nil {
		return nil, fmt.Errorf("%w: NewPublisher: nil *Broker", ErrInvalidConfig)
	}
	p, err := events.NewPublisher[E]((*sender)(b), topic, opts...)
	return p, optionErr(err)
}

// NewSender returns an events.Sender on b, which publishes messages as
// they are: for a FailureHandler's dead letter queue and for tools.
func NewSender(b *Broker) (events.Sender, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: NewSender: nil *Broker", ErrInvalidConfig)
	}
	return events.NewSender((*sender)(b))
}

// notifyLocked wakes everything waiting for a change of topics, members,
// partition owners or for Close. b.mu is held.
func (b *Broker) notifyLocked() {
	b.assigned.fire()
	b.changed.fire()
}

// CreateTopic creates topic with the given number of partitions (less
// than 1 means 1). It fails with a *events.ValidationError wrapping
// events.ErrInvalidMessage for an invalid name (see events.ValidateTopic)
// and, as Kafka does, for a name that differs from an existing topic's
// only in '.' versus '_',
// with events.ErrTopicExists when the topic exists, and with
// events.ErrClosed after Close.
func (b *Broker) CreateTopic(name string, partitions int) error {
	if err := events.ValidateTopic(name); err != nil {
		return err
	}
	partitions = max(partitions, 1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return events.ErrClosed
	}
	if _, ok := b.topics[name]; ok {
		return fmt.Errorf("%w: %q", events.ErrTopicExists, name)
	}
	for other := range b.topics {
		if collides(name, other) {
			return &events.ValidationError{Field: "topic", Value: name,
				Reason: fmt.Sprintf("collides with topic %q: Kafka treats '.' and '_' alike in topic names", other)}
		}
	}
	t := &topic{parts: make([]*partition, partitions)}
	for p := range t.parts {
		t.parts[p] = &partition{}
	}
	b.topics[name] = t
	for _, g := range b.groups {
		g.rebalance(b)
	}
	b.notifyLocked()
	return nil
}

// collides reports whether two different topic names differ only in '.'
// versus '_', which Kafka refuses to have side by side.
func collides(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca != cb && !(ca == '.' && cb == '_' || ca == '_' && cb == '.') {
			return false
		}
	}
	return true
}

// sender is the broker's driver.Sender.
type sender Broker

// Send stores copies of msgs, each on its topic's partition chosen by its
// key, stamped with the broker's clock. Every message after Close fails
// with events.ErrClosed, one to a topic that does not exist with
// events.ErrTopicNotFound, and one over the size limit with
// events.ErrMessageTooLarge, checked in that order, as on Kafka.
func (s *sender) Send(ctx context.Context, msgs []*driver.Message, errs []error) error {
	return (*Broker)(s).store(ctx, msgs, errs, true)
}

// SendOwned is Send for the messages of a typed publisher, which built
// them for this call alone: it stores them as they are.
func (s *sender) SendOwned(ctx context.Context, msgs []*driver.Message, errs []error) error {
	return (*Broker)(s).store(ctx, msgs, errs, false)
}

var _ handoff.Sender = (*sender)(nil)

// store stores msgs, or copies of them, as Send describes.
func (b *Broker) store(ctx context.Context, msgs []*driver.Message, errs []error, copyMsgs bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Copies are made outside the lock, of the messages that fit; the
	// checks are made in Kafka's order: closed, topic, size.
	stored := make([]*driver.Message, len(msgs))
	for i, m := range msgs {
		if driver.RecordSize(m) > b.maxSize {
			continue
		}
		stored[i] = m
		if copyMsgs {
			stored[i] = clone(m)
		}
	}
	now := b.now()
	b.mu.Lock()
	for i, c := range stored {
		if b.closed {
			errs[i] = events.ErrClosed
			continue
		}
		t, ok := b.topics[msgs[i].Topic]
		if !ok {
			errs[i] = fmt.Errorf("%w: %q", events.ErrTopicNotFound, msgs[i].Topic)
			continue
		}
		if c == nil {
			errs[i] = fmt.Errorf("%w: %d bytes, more than %d", events.ErrMessageTooLarge, driver.RecordSize(msgs[i]), b.maxSize)
			continue
		}
		c.Timestamp = now
		p := t.parts[partitionFor(c.Key, len(t.parts))]
		p.msgs = append(p.msgs, c)
		p.arrived.fire()
	}
	b.changed.fire()
	b.mu.Unlock()
	return nil
}

// clone returns a deep copy of m, with nil headers when m has none (an
// empty map too), as Kafka delivers them.
func clone(m *driver.Message) *driver.Message {
	c := *m
	c.Headers = nil
	if len(m.Headers) > 0 {
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
		for _, m := range p.msgs {
			out = append(out, (*events.Message)(clone(m)))
		}
	}
	return out
}

// WaitIdle returns nil once every message stored in the topics of every
// group with members has been handled (committed) by that group, and the
// context's error if ctx ends first. A group's members count from
// [NewSubscriber] until their Run returns, so a test may build
// subscribers, start them, publish and call WaitIdle without racing with
// the subscribers' start. WaitIdle does not return while a handler keeps
// failing. After Close it returns events.ErrClosed. For one subscriber's
// group, events.Subscriber.WaitIdle does the same on every provider.
func (b *Broker) WaitIdle(ctx context.Context) error {
	return b.waitUntil(ctx, b.idleLocked)
}

// waitUntil returns once cond, called with b.mu held after every state
// change, reports true.
func (b *Broker) waitUntil(ctx context.Context, cond func() bool) error {
	for {
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return events.ErrClosed
		}
		done := cond()
		ch := b.changed.wait()
		b.mu.Unlock()
		if done {
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
			t, ok := b.topics[name]
			if !ok {
				continue
			}
			for p, part := range t.parts {
				if g.committed[tp{name, p}] < len(part.msgs) {
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
// once they did, which waits for every handler still running however long
// it takes, even one that Run gave up on with a *events.DrainError
// (events.WithDrainTimeout bounds Run, not Close). Close must not be
// called from a handler. Calling Close again waits the same way and
// returns nil.
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
