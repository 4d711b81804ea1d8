package events

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit/events/driver"
)

// Subscriber is one member of a consumer group: it hands the messages of
// its topics to a [MessageHandler], usually a [*Router] or a
// [*FailureHandler] around one. Every provider returns it
// (kafka.NewSubscriber, memevents.NewSubscriber) with the same
// [SubscriberOption]s and the delivery rules of the package documentation.
type Subscriber interface {
	// Run consumes until ctx ends, then drains gracefully: it stops
	// fetching, cancels the handlers' context, waits for the running
	// handlers, commits what they acknowledged, leaves the group and
	// returns nil. It returns an error wrapping [ErrClosed], after the same
	// drain, when the provider is closed while it runs, and [ErrUnauthorized]
	// at once when the transport refuses the credentials. A handler error
	// redelivers the same message after the backoff ([WithRetryBackoff]),
	// without moving past it on its partition; a handler panic counts as an
	// error (a *[PanicError]). Topics that do not exist yet are consumed
	// once they are created. Run may be called once; a second call returns
	// an error wrapping ErrClosed.
	Run(ctx context.Context) error
	// WaitIdle returns nil once every message published to the
	// subscriber's topics before the call has been acknowledged by the
	// subscriber's group (by this member or another), the context's error
	// when ctx ends first, and an error wrapping [ErrClosed] once the
	// provider is closed. It may be called before and while Run runs; it
	// does not return while a handler keeps failing. Tests use it to wait
	// until the events they published are handled.
	WaitIdle(ctx context.Context) error
	// As reaches the provider's native types (see the provider's # As
	// section) and reports whether target was set.
	As(target any) bool
}

// SubscriberOption configures a subscriber; every provider's NewSubscriber
// takes the same options with the same defaults.
type SubscriberOption interface {
	applySubscriber(*subscriberOptions)
}

type subscriberOptions struct {
	topics  []string
	backoff driver.Backoff
	logger  *slog.Logger
	onError func(ctx context.Context, err error)
}

type subscriberOptionFunc func(*subscriberOptions)

func (f subscriberOptionFunc) applySubscriber(o *subscriberOptions) { f(o) }

// WithTopics sets the topics the subscriber consumes. Default: those of
// the handler when it is a [TopicLister] (a [*Router] and a
// [*FailureHandler] are); a subscriber without topics is refused. Every
// topic must be a valid topic name ([ValidateTopic]).
func WithTopics(topics ...string) SubscriberOption {
	topics = slices.Clone(topics)
	return subscriberOptionFunc(func(o *subscriberOptions) { o.topics = topics })
}

// WithRetryBackoff sets the pacing of redeliveries after a handler error:
// the first redelivery of a message waits initial, each further one twice
// as long as the one before, at most max; a success resets it. It needs
// 0 < initial <= max. Default: 100ms initial, 10s max. For bounded retries
// and a dead letter queue, use a [FailureHandler].
func WithRetryBackoff(initial, max time.Duration) SubscriberOption {
	return subscriberOptionFunc(func(o *subscriberOptions) { o.backoff = driver.Backoff{Initial: initial, Max: max} })
}

// WithErrorHook calls hook for every failed attempt to handle a message,
// after it is logged and before the backoff. err wraps the handler's error
// (errors.Is and errors.As reach it) with where the message sits, as the
// provider describes it (kafka: a *kafka.HandlerError). The hook must not
// block for long: the message's partition waits for it. Default: none.
func WithErrorHook(hook func(ctx context.Context, err error)) SubscriberOption {
	return subscriberOptionFunc(func(o *subscriberOptions) { o.onError = hook })
}

// NewSubscriber returns the subscriber of a provider: it checks group,
// handler and options and calls open with the checked configuration, which
// builds the provider's driver. It is for providers; services call a
// provider's constructor (kafka.NewSubscriber, memevents.NewSubscriber).
//
// It fails with an error wrapping [ErrInvalidOption] when group is empty
// or not printable ASCII, h is nil, no topic is given or one is invalid
// (that error wraps [ErrInvalidMessage] too) or an option is invalid; and
// with open's error.
func NewSubscriber(open func(driver.SubscriberConfig) (driver.Subscriber, error), group string, h MessageHandler, opts ...SubscriberOption) (Subscriber, error) {
	if open == nil {
		return nil, invalidOption("NewSubscriber: nil driver constructor")
	}
	if err := checkASCII("group", group, group, false); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
	}
	if h == nil {
		return nil, invalidOption("NewSubscriber: nil handler")
	}
	o := subscriberOptions{backoff: driver.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second}}
	for _, opt := range opts {
		if opt != nil {
			opt.applySubscriber(&o)
		}
	}
	if o.backoff.Initial <= 0 || o.backoff.Max < o.backoff.Initial {
		return nil, invalidOption(fmt.Sprintf("WithRetryBackoff(%v, %v): need 0 < initial <= max", o.backoff.Initial, o.backoff.Max))
	}
	topics := o.topics
	if topics == nil {
		if tl, ok := h.(TopicLister); ok {
			topics = tl.Topics()
		}
	}
	if len(topics) == 0 {
		return nil, invalidOption("NewSubscriber: no topics: use WithTopics or a handler with Topics()")
	}
	for _, t := range topics {
		if err := ValidateTopic(t); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
		}
	}
	topics = slices.Clone(topics)
	slices.Sort(topics)
	topics = slices.Compact(topics)
	if o.logger == nil {
		o.logger = slog.Default()
	}
	if o.onError == nil {
		o.onError = func(context.Context, error) {}
	}
	uh, _ := h.(UndecodableHandler)
	d, err := open(driver.SubscriberConfig{
		Group:   group,
		Topics:  topics,
		Handler: &driverHandler{h: h, uh: uh},
		Backoff: o.backoff,
		Logger:  o.logger,
		OnError: o.onError,
	})
	if err != nil {
		return nil, err
	}
	return &subscriber{d: d}, nil
}

type subscriber struct {
	d   driver.Subscriber
	ran atomic.Bool
}

func (s *subscriber) Run(ctx context.Context) error {
	if s.ran.Swap(true) {
		return fmt.Errorf("%w: Subscriber.Run called twice", ErrClosed)
	}
	return s.d.Run(ctx)
}

func (s *subscriber) WaitIdle(ctx context.Context) error { return s.d.WaitIdle(ctx) }

func (s *subscriber) As(target any) bool { return s.d.As(target) }

// driverHandler is the driver.Handler around a service's handler: it
// converts the message in place and turns a panic into a *PanicError.
type driverHandler struct {
	h  MessageHandler
	uh UndecodableHandler
}

func (a *driverHandler) HandleMessage(ctx context.Context, m *driver.Message) error {
	return callSafely(ctx, a.h, (*Message)(m))
}

func (a *driverHandler) HandleUndecodable(ctx context.Context, m *driver.Message, err error) error {
	if a.uh == nil {
		return err
	}
	return a.uh.HandleUndecodable(ctx, (*Message)(m), err)
}
