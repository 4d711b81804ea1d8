package events

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
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
	// at once when the transport refuses the credentials. A drain after
	// ctx ended that outlasts [WithDrainTimeout] (a handler ignoring its
	// context) returns a *[DrainError] naming the messages still being
	// handled, which wraps [ErrClosed] too when the provider was closed
	// by then; those stay unacknowledged (redelivered to the group later)
	// even if their handlers return nil afterwards. The drain that closing
	// the provider starts is bounded only from the moment ctx ends too:
	// until then Run waits for such a handler however long it takes, so
	// cancel Run's context, not only close the provider, for Run to return
	// within the drain timeout. The provider's Close waits for such a
	// handler whether or not Run gave up on it (memevents' Broker.Close
	// until it returns, kafka's Client.Close until then or until its ctx
	// ends). A handler error
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
	drain   time.Duration
}

// MaxGroupLen is the longest valid consumer group name, Kafka's limit
// (the longest string of its protocol), which every provider applies.
const MaxGroupLen = 32767

// DefaultDrainTimeout is how long Run waits for running handlers after its
// context ended, unless [WithDrainTimeout] says otherwise.
const DefaultDrainTimeout = 30 * time.Second

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

// WithDrainTimeout bounds the graceful drain of Run: after Run's context
// ends, the handlers still running get d to return (their context is
// canceled at once); past it Run returns a *[DrainError] wrapping
// [ErrDrainTimeout] that names them, and their messages stay
// unacknowledged. A handler that ignores its context cannot be stopped:
// it keeps running after Run returned, and the provider's consumer with
// it, until it returns. The bound applies to a drain started by Run's
// context, not to one started by closing the provider (see
// [Subscriber].Run). It needs d > 0. Default: [DefaultDrainTimeout].
func WithDrainTimeout(d time.Duration) SubscriberOption {
	return subscriberOptionFunc(func(o *subscriberOptions) { o.drain = d })
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
// It fails with an error wrapping [ErrInvalidOption] when group is empty,
// not printable ASCII or longer than [MaxGroupLen], h is nil, no topic is
// given or one is invalid (that error wraps [ErrInvalidMessage] too) or an
// option is invalid; and with open's error.
func NewSubscriber(open func(driver.SubscriberConfig) (driver.Subscriber, error), group string, h MessageHandler, opts ...SubscriberOption) (Subscriber, error) {
	if open == nil {
		return nil, invalidOption("NewSubscriber: nil driver constructor")
	}
	if err := checkASCII("group", group, group, false); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOption, err)
	}
	if len(group) > MaxGroupLen {
		return nil, invalidOption(fmt.Sprintf("NewSubscriber: group is %d bytes long, more than %d", len(group), MaxGroupLen))
	}
	if h == nil {
		return nil, invalidOption("NewSubscriber: nil handler")
	}
	o := subscriberOptions{backoff: driver.Backoff{Initial: 100 * time.Millisecond, Max: 10 * time.Second}, drain: DefaultDrainTimeout}
	for _, opt := range opts {
		if opt != nil {
			opt.applySubscriber(&o)
		}
	}
	if o.backoff.Initial <= 0 || o.backoff.Max < o.backoff.Initial {
		return nil, invalidOption(fmt.Sprintf("WithRetryBackoff(%v, %v): need 0 < initial <= max", o.backoff.Initial, o.backoff.Max))
	}
	if o.drain <= 0 {
		return nil, invalidOption(fmt.Sprintf("WithDrainTimeout(%v): need d > 0", o.drain))
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
	dh := &driverHandler{h: h, uh: uh, inflight: map[*driver.Message]struct{}{}}
	d, err := open(driver.SubscriberConfig{
		Group:   group,
		Topics:  topics,
		Handler: dh,
		Backoff: o.backoff,
		Logger:  o.logger,
		OnError: o.onError,
	})
	if err != nil {
		return nil, err
	}
	return &subscriber{d: d, h: dh, drain: o.drain}, nil
}

type subscriber struct {
	d     driver.Subscriber
	h     *driverHandler
	drain time.Duration
	ran   atomic.Bool
}

func (s *subscriber) Run(ctx context.Context) error {
	if s.ran.Swap(true) {
		return fmt.Errorf("%w: Subscriber.Run called twice", ErrClosed)
	}
	done := make(chan error, 1)
	go func() { done <- s.d.Run(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	t := time.NewTimer(s.drain)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return &DrainError{Timeout: s.drain, Stuck: s.h.abandon(), Closed: s.d.Closed()}
	}
}

func (s *subscriber) WaitIdle(ctx context.Context) error { return s.d.WaitIdle(ctx) }

func (s *subscriber) As(target any) bool { return s.d.As(target) }

// driverHandler is the driver.Handler around a service's handler: it
// converts the message in place, turns a panic into a *PanicError, and
// keeps the messages being handled, so that a drain past its deadline can
// name them and keep them unacknowledged.
type driverHandler struct {
	h  MessageHandler
	uh UndecodableHandler

	mu        sync.Mutex
	inflight  map[*driver.Message]struct{}
	abandoned bool // the drain deadline passed: acknowledge nothing more
}

func (a *driverHandler) HandleMessage(ctx context.Context, m *driver.Message) error {
	a.enter(m)
	return a.leave(m, callSafely(ctx, a.h, (*Message)(m)))
}

func (a *driverHandler) HandleUndecodable(ctx context.Context, m *driver.Message, err error) error {
	if a.uh == nil {
		return err
	}
	a.enter(m)
	return a.leave(m, a.uh.HandleUndecodable(ctx, (*Message)(m), err))
}

func (a *driverHandler) enter(m *driver.Message) {
	a.mu.Lock()
	a.inflight[m] = struct{}{}
	a.mu.Unlock()
}

// leave forgets m and returns the handler's result, or ErrDrainTimeout
// when the drain was abandoned meanwhile: Run has already reported m as
// not handled, so it must not be acknowledged.
func (a *driverHandler) leave(m *driver.Message, err error) error {
	a.mu.Lock()
	delete(a.inflight, m)
	abandoned := a.abandoned
	a.mu.Unlock()
	if abandoned && err == nil {
		return fmt.Errorf("%w: handler returned after Run gave up draining", ErrDrainTimeout)
	}
	return err
}

// abandon marks the drain as given up and returns the messages still
// being handled, sorted by topic and key.
func (a *driverHandler) abandon() []StuckMessage {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.abandoned = true
	stuck := make([]StuckMessage, 0, len(a.inflight))
	for m := range a.inflight {
		stuck = append(stuck, StuckMessage{Topic: m.Topic, Key: m.Key, EventID: m.EventID})
	}
	slices.SortFunc(stuck, func(x, y StuckMessage) int {
		if c := strings.Compare(x.Topic, y.Topic); c != 0 {
			return c
		}
		return strings.Compare(x.Key, y.Key)
	})
	return stuck
}
