package outbox

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	daodriver "github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/events"
	evdriver "github.com/hexkit-go/hexkit/events/driver"
	"github.com/hexkit-go/hexkit/internal/jsoncheck"
	"github.com/hexkit-go/hexkit/outbox/driver"
)

// PersistentPublisher is a publisher that stores every event before it is
// sent, so an event accepted by Publish is never lost, and keeps it so it
// can be sent again. Get one from a provider
// (mongo.NewPersistentPublisher, memoutbox.NewPersistentPublisher).
//
// Publish and PublishBatch validate and encode exactly like any
// events.Publisher, refuse an event larger than the relay's size limit
// ([WithMaxMessageSize], 1 MiB by default, as Kafka's), which the relay
// could never send, with an error wrapping events.ErrMessageTooLarge, and
// an event whose payload an event store cannot keep as it is, with an
// error wrapping events.ErrInvalidMessage: a payload that is not a JSON
// object (that error also wraps events.ErrMalformedPayload), or one
// holding an array directly inside an array, an object key that starts
// with '$' or holds '.' or NUL, a key twice in one object, an integer
// outside the int64 range or a number outside the float64 range (MongoDB
// stores the payload as a document; FerretDB refuses some of these and
// MongoDB changes others). A refused event is not stored. They return once the events are stored (not once they are sent): the
// relay sends them, in the order they were stored, and marks
// them published. On a compacted topic ([WithCompaction]) only the latest
// event per key is kept (its stored id is "<topic>:<key>"), otherwise every
// event (its stored id is the event id), as Python hexkit's persistent
// publisher stores them. Events published one after the other by one
// instance are sent in that order. When the broker takes some events of a
// batch and refuses others, the events of a key that follow a refused one
// stay pending and are sent again after it: a consumer may get a
// duplicate, but the last copy of each event comes in order. A stored
// event the broker refuses for good (events.ErrMessageTooLarge or
// events.ErrInvalidMessage, say from a broker with a lower limit than the
// relay's) stays pending and makes every pass report an error, but holds
// back no other event.
type PersistentPublisher[E events.Event] interface {
	events.Publisher[E]
	// Republish marks every stored event of this publisher's topic as
	// pending and publishes them now, in the order they were first stored,
	// with their original event ids. It returns how many it published;
	// when another relay holds the lease, 0 and [ErrLeaseHeld] (that relay
	// publishes them); once the relay's Run has returned, 0 and
	// [ErrClosed].
	Republish(ctx context.Context) (int, error)
	// RepublishAll is Republish for every stored event of this
	// publisher's store, whatever its topic (the events of all the
	// publishers sharing the store), as Python hexkit's republish does.
	RepublishAll(ctx context.Context) (int, error)
}

// PersistentOption configures a [PersistentPublisher].
type PersistentOption func(*persistentOptions)

type persistentOptions struct {
	compacted bool
	pub       []events.PublisherOption
}

// WithCompaction declares the topic compacted: a stored event replaces the
// stored event with the same key, so Republish sends the latest event per
// key only.
func WithCompaction() PersistentOption {
	return func(o *persistentOptions) { o.compacted = true }
}

// WithPublisherOptions passes options to the underlying events publisher
// (events.WithCodec, events.WithStrictCorrelationID).
func WithPublisherOptions(opts ...events.PublisherOption) PersistentOption {
	return func(o *persistentOptions) { o.pub = append(o.pub, opts...) }
}

// NewPersistentPublisher returns the persistent publisher of E events to
// topic over a provider's event store. It is for providers; services call a
// provider's constructor (mongo.NewPersistentPublisher,
// memoutbox.NewPersistentPublisher). Publishers of several topics may share
// one store and one relay. It fails as events.NewPublisher does, with an
// error wrapping [ErrInvalidOption] for a nil store or relay, and with one
// wrapping [ErrClosed] for a relay whose Run has returned.
func NewPersistentPublisher[E events.Event](ctx context.Context, store driver.EventStore, relay *Relay, topic string, opts ...PersistentOption) (PersistentPublisher[E], error) {
	if store == nil || relay == nil {
		return nil, fmt.Errorf("%w: NewPersistentPublisher: nil store or relay", ErrInvalidOption)
	}
	var o persistentOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	s := relay.eventSource(store)
	pub, err := events.NewPublisher[E](&storingSender{src: s, compacted: o.compacted}, topic, o.pub...)
	if err != nil {
		return nil, err
	}
	if err := s.init(ctx, relay); err != nil {
		return nil, err
	}
	return &persistentPublisher[E]{Publisher: pub, src: s, topic: topic}, nil
}

type persistentPublisher[E events.Event] struct {
	events.Publisher[E]
	src   *eventSource
	topic string
}

func (p *persistentPublisher[E]) Republish(ctx context.Context) (int, error) {
	return p.republish(ctx, p.topic)
}

func (p *persistentPublisher[E]) RepublishAll(ctx context.Context) (int, error) {
	return p.republish(ctx, "")
}

// republish marks the stored events of topic (of every topic when "")
// pending and publishes them.
func (p *persistentPublisher[E]) republish(ctx context.Context, topic string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return p.src.relay.publish(ctx, p.src, nil, func(ctx context.Context) error {
		_, err := p.src.store.MarkAllPending(ctx, topic)
		return err
	})
}

// storingSender is the events driver under a persistent publisher: it
// stores the validated, encoded messages instead of sending them.
type storingSender struct {
	src       *eventSource
	compacted bool
}

func (s *storingSender) Send(ctx context.Context, msgs []*evdriver.Message, errs []error) error {
	stored := false
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := checkPayload(m.Payload); err != nil {
			errs[i] = err
			continue
		}
		if n := evdriver.RecordSize(m); n > s.src.relay.o.maxSize {
			errs[i] = fmt.Errorf("%w: %d bytes, more than the relay's limit of %d (outbox.WithMaxMessageSize); not stored",
				evdriver.ErrMessageTooLarge, n, s.src.relay.o.maxSize)
			continue
		}
		e := &driver.Event{
			CompactionKey: m.EventID,
			Topic:         m.Topic,
			Key:           m.Key,
			Type:          m.Type,
			EventID:       m.EventID,
			CorrelationID: m.CorrelationID,
			Headers:       maps.Clone(m.Headers),
			Payload:       slices.Clone(m.Payload),
			Created:       s.src.created(),
		}
		if s.compacted {
			e.CompactionKey = m.Topic + ":" + m.Key
		}
		if err := s.src.store.Put(ctx, e); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs[i] = err
			continue
		}
		stored = true
	}
	if stored {
		s.src.relay.notify()
	}
	return nil
}

// checkPayload refuses, with an error wrapping events.ErrInvalidMessage,
// a payload that an event store could not keep as it is: MongoDB stores
// it as a document, so it must be a JSON object, and FerretDB refuses or
// MongoDB changes what jsoncheck.Check refuses (nested arrays, keys with
// '$', '.' or NUL, integers beyond int64).
func checkPayload(p []byte) error {
	if b := bytes.TrimLeft(p, " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("%w: %w: a stored event's payload must be a JSON object", evdriver.ErrInvalidMessage, evdriver.ErrMalformedPayload)
	}
	if err := jsoncheck.Check(p); err != nil {
		return fmt.Errorf("%w: the payload cannot be stored: %w", evdriver.ErrInvalidMessage, err)
	}
	return nil
}

// eventSource publishes the pending events of one event store. Publishers
// sharing a store share its source.
type eventSource struct {
	store driver.EventStore
	relay *Relay
	ready bool // Init done and registered; guarded by relay.mu

	mu   sync.Mutex
	last time.Time // the creation time given to the last stored event
}

// created returns the creation time of the next event stored through this
// source: now at the store's millisecond precision, but always after the
// previous one. The store orders events by creation time (then by
// compaction key, a random event id on a topic without compaction), so
// events published in one millisecond, or in one PublishBatch, keep the
// order they were published in. A burst of more than a thousand events a
// second runs the times ahead of the clock by as much as it lasts.
func (s *eventSource) created() time.Time {
	now := daodriver.TruncateTime(time.Now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.After(s.last) {
		now = s.last.Add(time.Millisecond)
	}
	s.last = now
	return now
}

// eventSource returns the source of store, registered once.
func (r *Relay) eventSource(store driver.EventStore) *eventSource {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.sources {
		if es, ok := s.(*eventSource); ok && es.store == store {
			return es
		}
	}
	return &eventSource{store: store, relay: r}
}

// init initializes the store and registers the source, once.
func (s *eventSource) init(ctx context.Context, r *Relay) error {
	r.mu.Lock()
	ready := s.ready
	r.mu.Unlock()
	if ready {
		return r.open()
	}
	if err := s.store.Init(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	if s.ready {
		r.mu.Unlock()
		return nil
	}
	s.ready = true
	r.mu.Unlock()
	return r.add(s)
}

func (s *eventSource) describe() string { return "the persistent events" }

// pass sends the pending events in the order they were stored, batch by
// batch, and stops at the first batch that failed, so no event overtakes
// an earlier one, or when stop is closed.
func (s *eventSource) pass(ctx context.Context, r *Relay, stop <-chan struct{}) (int, error) {
	var after *driver.EventPosition
	total := 0
	var refused error // the first error of an event the broker refused for good
	for {
		deadline, err := r.sendDeadline(ctx)
		if err != nil {
			return total, err
		}
		evs, err := s.store.Events(ctx, after, false, r.o.batch)
		if err != nil {
			return total, err
		}
		msgs := make([]*events.Message, 0, len(evs))
		kept := make([]driver.Event, 0, len(evs))
		for _, e := range evs {
			m := &events.Message{Topic: e.Topic, Key: e.Key, Type: e.Type, EventID: e.EventID,
				CorrelationID: e.CorrelationID, Headers: e.Headers, Payload: e.Payload}
			if m.EventID == "" {
				m.EventID = events.NewEventID()
			}
			if err := m.Validate(); err != nil {
				r.o.logger.ErrorContext(ctx, "outbox: a stored event cannot be published; it stays pending",
					"topic", e.Topic, "compaction_key", e.CompactionKey, "error", err)
				continue
			}
			msgs = append(msgs, m)
			kept = append(kept, e)
		}
		sendErrs, sendErr := r.send(ctx, deadline, msgs)
		marks := make([]driver.Mark, 0, len(msgs))
		var failed map[string]bool // topic+key of the events whose send failed
		for i, err := range sendErrs {
			k := kept[i].Topic + "\x00" + kept[i].Key
			if err != nil {
				if refusedForGood(err) {
					// It can never be sent: it stays pending (and is
					// reported), without holding back the later events
					// of its key.
					continue
				}
				if failed == nil {
					failed = map[string]bool{}
				}
				failed[k] = true
				continue
			}
			if failed[k] {
				// Sent after an earlier event of its key that failed: it
				// stays pending and is sent again after that one, so the
				// last copy of each event a consumer gets is in order.
				continue
			}
			marks = append(marks, driver.Mark{ID: daodriver.StringValue(kept[i].CompactionKey), Stamp: kept[i].Stamp, EventID: msgs[i].EventID})
		}
		if len(marks) > 0 {
			if _, err := s.store.MarkPublished(context.WithoutCancel(ctx), marks); err != nil {
				return total + len(marks), err
			}
		}
		total += len(marks)
		if sendErr != nil {
			if !onlyRefusedForGood(sendErrs) {
				return total, sendErr
			}
			refused = cmp.Or(refused, sendErr)
		}
		if len(evs) < r.o.batch || stopped(stop) {
			return total, refused
		}
		last := evs[len(evs)-1]
		after = &driver.EventPosition{Created: last.Created, CompactionKey: last.CompactionKey}
	}
}
