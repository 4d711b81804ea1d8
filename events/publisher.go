package events

import (
	"context"
	"maps"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events/driver"
	"github.com/hexkit-go/hexkit/events/internal/handoff"
)

// Publisher publishes typed events of one type to one topic.
//
// Every event is encoded and validated before anything is sent: a bad key,
// header, event id, correlation id or payload fails with an error wrapping
// [ErrInvalidMessage] (a *[ValidationError] or *[PayloadError]) and is not
// sent. The correlation id is taken from ctx
// ([github.com/hexkit-go/hexkit.CorrelationID]); when ctx has none, a fresh
// one is generated, unless the publisher was built with
// [WithStrictCorrelationID]. Publishers are safe for concurrent use.
type Publisher[E Event] interface {
	// Publish sends one event under key and returns once the transport
	// acknowledged it or failed. Context errors are returned unwrapped.
	// The event is validated first, even when ctx has ended already: an
	// invalid event fails with its error wrapping [ErrInvalidMessage], a
	// valid one with the context's error.
	Publish(ctx context.Context, key string, e E, opts ...PublishOption) error
	// PublishBatch sends several events in one call and returns once each
	// is acknowledged or failed. It returns nil when all succeeded, the
	// context's error when every event was valid and ctx ended before they
	// were acknowledged (they may or may not be written), and otherwise a
	// *BatchError whose Errs[i] is the error of batch[i] (nil when that
	// event was sent). Events are validated first, even when ctx has
	// ended already: invalid events are reported and not sent; the valid
	// ones in the same batch are sent (with the context's error each when
	// ctx ends first).
	PublishBatch(ctx context.Context, batch ...Keyed[E]) error
}

// Keyed is one event of a batch for [Publisher.PublishBatch].
type Keyed[E Event] struct {
	Key     string
	Event   E
	Headers map[string]string // optional user headers
	EventID string            // optional; a fresh UUID version 4 when empty
}

// PublishOption configures one [Publisher.Publish] call.
type PublishOption func(*publishCall)

type publishCall struct {
	headers map[string]string
	eventID string
}

// WithHeaders adds user headers to the published event. Several WithHeaders
// options merge, later values winning. Header names and values must be
// printable ASCII and names must not be reserved ([HeaderType],
// [HeaderEventID], [HeaderCorrelationID]). The map is copied.
func WithHeaders(h map[string]string) PublishOption {
	return func(c *publishCall) {
		if len(h) == 0 {
			return
		}
		if c.headers == nil {
			c.headers = make(map[string]string, len(h))
		}
		maps.Copy(c.headers, h)
	}
}

// WithEventID sets the event id instead of generating one; it must be a
// UUID version 4 string. Useful for idempotent re-publishing.
func WithEventID(id string) PublishOption {
	return func(c *publishCall) { c.eventID = id }
}

type publisher[E Event] struct {
	d      driver.Sender // the driver, or handedOver when it takes over messages
	topic  string
	typ    string
	codec  Codec[E]
	strict bool
}

// NewPublisher returns the publisher of E events to topic over a
// provider's driver. It is for providers; services call a provider's
// constructor (kafka.NewPublisher, memevents.NewPublisher), which returns
// the same publisher. It fails with an error wrapping [ErrInvalidMessage]
// when topic is not a valid topic name or E cannot name its event type
// (see [Event]), and with one wrapping [ErrInvalidOption] when d is nil or
// an option is invalid.
func NewPublisher[E Event](d driver.Sender, topic string, opts ...PublisherOption) (Publisher[E], error) {
	if d == nil {
		return nil, invalidOption("NewPublisher: nil driver")
	}
	if err := ValidateTopic(topic); err != nil {
		return nil, err
	}
	typ, err := eventTypeOf[E]()
	if err != nil {
		return nil, err
	}
	var o publisherOptions
	for _, opt := range opts {
		if opt != nil {
			opt.applyPublisher(&o)
		}
	}
	codec, err := codecFor[E](o.codec)
	if err != nil {
		return nil, err
	}
	// The JSON codec returns a fresh payload on every call; a custom
	// codec might reuse its buffer, so a driver must copy what it makes.
	if h, ok := d.(handoff.Sender); ok {
		if _, builtin := codec.(*jsonCodec[E]); builtin {
			d = handedOver{h}
		}
	}
	return &publisher[E]{d: d, topic: topic, typ: typ, codec: codec, strict: o.strict}, nil
}

// handedOver sends through SendOwned: the publisher's messages are built
// for one call and referenced by nothing else.
type handedOver struct{ h handoff.Sender }

func (s handedOver) Send(ctx context.Context, msgs []*driver.Message, errs []error) error {
	return s.h.SendOwned(ctx, msgs, errs)
}

// single holds the message and arguments of a one-message send in one
// allocation (160 bytes, which a driver that keeps the message keeps).
type single struct {
	m    driver.Message
	msgs [1]*driver.Message
	errs [1]error
}

func (p *publisher[E]) Publish(ctx context.Context, key string, e E, opts ...PublishOption) error {
	var headers map[string]string
	var eventID string
	if len(opts) > 0 {
		c := new(publishCall) // escapes to the options; only when there are some
		for _, opt := range opts {
			if opt != nil {
				opt(c)
			}
		}
		headers, eventID = c.headers, c.eventID
	}
	one := &single{}
	if err := p.build(ctx, &one.m, key, e, headers, eventID); err != nil {
		return err
	}
	one.msgs[0] = &one.m
	if err := send(ctx, p.d, one.msgs[:], one.errs[:], nil); err != nil {
		return err
	}
	return one.errs[0]
}

func (p *publisher[E]) PublishBatch(ctx context.Context, batch ...Keyed[E]) error {
	if len(batch) == 0 {
		return ctx.Err()
	}
	errs := make([]error, len(batch))
	built := make([]driver.Message, len(batch))
	msgs := make([]*driver.Message, 0, len(batch))
	var idx []int // idx[j] is the batch index of msgs[j]; nil while they coincide
	for i, k := range batch {
		m := &built[i]
		if err := p.build(ctx, m, k.Key, k.Event, maps.Clone(k.Headers), k.EventID); err != nil {
			if idx == nil {
				idx = identity(len(msgs), len(batch))
			}
			errs[i] = err
			continue
		}
		msgs = append(msgs, m)
		if idx != nil {
			idx = append(idx, i)
		}
	}
	if err := send(ctx, p.d, msgs, errs, idx); err != nil {
		return err
	}
	return batchResult(errs)
}

// build encodes e and fills and validates its message dm, which takes
// over headers.
func (p *publisher[E]) build(ctx context.Context, dm *driver.Message, key string, e E, headers map[string]string, eventID string) error {
	cid, ok := hexkit.CorrelationID(ctx)
	if !ok {
		if p.strict {
			return &ValidationError{Field: HeaderCorrelationID, Value: "", Reason: "the context carries no correlation id and the publisher is strict"}
		}
		cid = hexkit.NewCorrelationID()
	}
	newID := eventID == ""
	if newID {
		eventID = newEventIDFast()
	}
	m := (*Message)(dm)
	*m = Message{
		Topic:         p.topic,
		Key:           key,
		Type:          p.typ,
		EventID:       eventID,
		CorrelationID: cid,
		Headers:       headers,
	}
	if err := m.validate(newID, !ok); err != nil {
		return err
	}
	payload, err := p.codec.Encode(e)
	if err != nil {
		return &PayloadError{Op: "encode", Topic: p.topic, Type: p.typ, Err: err}
	}
	m.Payload = payload
	return nil
}
