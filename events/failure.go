package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
)

// FailureOption configures [NewFailureHandler], which checks every option
// it is given and fails with an error wrapping [ErrInvalidOption] naming
// each invalid one.
type FailureOption func(*failureOptions)

type failureOptions struct {
	err          error // the invalid options, joined
	attempts     int
	backoff      backoff
	dlq          Sender
	dlqTopic     string
	noRetryTopic bool
	logger       *slog.Logger
}

// invalid records an invalid option; NewFailureHandler reports them all.
func (o *failureOptions) invalid(err error) { o.err = errors.Join(o.err, err) }

// WithAttempts sets how many times an event is handed to the handler
// before it counts as failed: 1 means no retry. Default: 3.
func WithAttempts(n int) FailureOption {
	return func(o *failureOptions) {
		if n < 1 {
			o.invalid(invalidOption(fmt.Sprintf("WithAttempts(%d): need at least 1", n)))
			return
		}
		o.attempts = n
	}
}

// WithBackoff sets the wait between attempts: initial before the first
// retry, doubling for every further one up to max, each scaled by a random
// factor in [1-jitter, 1+jitter) so that failing consumers do not retry in
// lockstep. The wait ends early when the subscriber shuts down (the event
// is then neither committed nor dead-lettered). Default: 100ms, 10s, 0.2.
func WithBackoff(initial, max time.Duration, jitter float64) FailureOption {
	return func(o *failureOptions) {
		if initial < 0 || max < initial || jitter < 0 || jitter > 1 {
			o.invalid(invalidOption(fmt.Sprintf("WithBackoff(%v, %v, %v): need 0 <= initial <= max and 0 <= jitter <= 1", initial, max, jitter)))
			return
		}
		o.backoff = backoff{initial: initial, max: max, jitter: jitter}
	}
}

// WithDLQ enables the dead letter queue: an event that fails its last
// attempt, and a poison message, is published through s to the DLQ topic
// ([WithDLQTopic]) and acknowledged only once s acknowledged the dead
// letter. Default: no dead letter queue; such an event stops the
// subscriber (see [FailureHandler.Supervise]).
func WithDLQ(s Sender) FailureOption {
	return func(o *failureOptions) {
		if s == nil {
			o.invalid(invalidOption("WithDLQ(nil)"))
			return
		}
		o.dlq = s
	}
}

// WithDLQTopic sets the dead letter queue topic. Default: [DefaultDLQTopic].
func WithDLQTopic(topic string) FailureOption {
	return func(o *failureOptions) {
		if err := ValidateTopic(topic); err != nil {
			o.invalid(fmt.Errorf("%w: WithDLQTopic: %w", ErrInvalidOption, err))
			return
		}
		o.dlqTopic = topic
	}
}

// WithoutRetryTopic stops the handler from adding the service's retry
// topic to its [FailureHandler.Topics]. Default: the retry topic is
// consumed.
func WithoutRetryTopic() FailureOption {
	return func(o *failureOptions) { o.noRetryTopic = true }
}

// WithFailureLogger sets the logger for failed attempts (warnings) and
// dead-lettered events (errors). Default: slog.Default() when
// NewFailureHandler is called.
func WithFailureLogger(l *slog.Logger) FailureOption {
	return func(o *failureOptions) {
		if l == nil {
			o.invalid(invalidOption("WithFailureLogger(nil)"))
			return
		}
		o.logger = l
	}
}

// FailureHandler is the failure handling of a subscriber: a
// [MessageHandler] that wraps the service's handler (usually a [*Router])
// and decides what happens to events that fail. Give it to the subscriber
// in place of the router. For every message it:
//
//  1. maps a message from the service's retry topic ([RetryTopic]) back to
//     the topic in its original_topic header, and to the event id in its
//     original_event_id header when it has a valid one ([RetryMessage] sets
//     both), removing those headers, so handlers never see the detour and
//     see a replayed event under its own id; a retry message without
//     original_topic is poison;
//  2. checks the message against the wire format (topic, type, key, event
//     id and user headers; the correlation id is the router's business: by
//     default a missing one is replaced by a fresh one, under
//     WithStrictCorrelationID it is refused); a message that breaks it is
//     poison;
//  3. hands the message to the handler up to [WithAttempts] times, waiting
//     [WithBackoff] in between; [Attempt] tells the handler which attempt
//     it runs; a panic counts as a failed attempt ([PanicError]). An error
//     wrapping [ErrMalformedPayload] or [ErrInvalidMessage] (a payload that
//     does not decode, a type header missing, a strict router refusing the
//     correlation id) makes the message poison at once: retrying cannot
//     help;
//  4. hands a message that failed its last attempt, or is poison, to the
//     dead letter queue when one is configured ([WithDLQ]) and
//     acknowledges it once the dead letter is acknowledged (a failed DLQ
//     publish is retried with the backoff until it succeeds or the
//     subscriber shuts down, when the message stays unacknowledged). The
//     dead letter has the message's payload, type, key, correlation id and
//     user headers, a new event id, and headers exc_class (the Go type of
//     the handler's error), exc_msg (its message, at most 2000 bytes),
//     original_topic, original_event_id and service. Values that break the
//     wire format travel escaped (strconv.QuoteToASCII without the
//     quotes); a missing type becomes [UnknownType]; an invalid correlation
//     id is replaced by a fresh one. Without a dead letter queue it returns
//     a [*FailedError] wrapping [ErrStopSubscriber]: the message is not
//     committed, and Supervise stops the subscriber.
//
// Note that a handler error wrapping ErrInvalidMessage counts as poison
// too, for example that of a handler publishing an invalid event: it is
// dead-lettered without retries.
//
// Retries run in the goroutine that handles the message's partition, so
// the subscriber's other partitions keep flowing; only the failing
// partition waits, which keeps per-key order. A subscriber waits for
// running handlers before it hands a partition to another member, so keep
// the sum of the backoff waits well below the consumer group's rebalance
// timeout (a minute by default on Kafka).
//
// A FailureHandler is not a router [Middleware]: it wraps the router (or
// any [MessageHandler]) from outside, so that it also sees the messages of
// the retry topic and those a provider cannot decode
// ([UndecodableHandler]). The router's middleware ([WithMiddleware]) thus
// runs inside every attempt, with [Attempt] in its context, and sees
// messages of the retry topic under their original topic.
//
// A FailureHandler is safe for concurrent use.
type FailureHandler struct {
	next    MessageHandler
	service string
	retry   string
	o       failureOptions

	mu      sync.Mutex
	stopErr error
	stop    context.CancelCauseFunc // set by Supervise
}

var _ MessageHandler = (*FailureHandler)(nil)
var _ TopicLister = (*FailureHandler)(nil)
var _ UndecodableHandler = (*FailureHandler)(nil)

// UndecodableHandler is an optional capability of a [MessageHandler]: a
// provider that receives a record it cannot turn into a [Message] at all
// (a reserved header given twice, say) calls HandleUndecodable with what it
// could decode and the decoding error, instead of retrying the record
// forever. The result means what HandleMessage's does: nil acknowledges
// the record. [*FailureHandler] implements it by treating the record as
// poison.
type UndecodableHandler interface {
	HandleUndecodable(ctx context.Context, m *Message, err error) error
}

// HandleUndecodable dead-letters m, which its provider could not decode
// (err says why), as poison; without a dead letter queue it stops the
// subscriber like any failed event. It implements [UndecodableHandler].
func (f *FailureHandler) HandleUndecodable(ctx context.Context, m *Message, err error) error {
	if stopErr := f.stopped(); stopErr != nil {
		return stopErr
	}
	return f.fail(ctx, m, &FailedError{Topic: m.Topic, Type: m.Type, Key: m.Key, EventID: m.EventID, Poison: true, Err: err})
}

// NewFailureHandler returns the failure handling of the subscriber of
// service (its consumer group name; it names the retry topic and the
// dead letters' service header) around next. The service name must make a
// valid retry topic name ([ValidateTopic]). A nil next or an invalid option
// fails with an error wrapping [ErrInvalidOption].
func NewFailureHandler(next MessageHandler, service string, opts ...FailureOption) (*FailureHandler, error) {
	if next == nil {
		return nil, invalidOption("NewFailureHandler: nil handler")
	}
	if err := checkASCII("service", service, service, false); err != nil {
		return nil, err
	}
	if err := ValidateTopic(RetryTopic(service)); err != nil { // the service names its retry topic
		return nil, err
	}
	f := &FailureHandler{next: next, service: service, retry: RetryTopic(service)}
	f.o = failureOptions{
		attempts: 3,
		backoff:  backoff{initial: 100 * time.Millisecond, max: 10 * time.Second, jitter: 0.2},
		dlqTopic: DefaultDLQTopic,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&f.o)
		}
	}
	if f.o.err != nil {
		return nil, f.o.err
	}
	if f.o.logger == nil {
		f.o.logger = slog.Default()
	}
	return f, nil
}

// Topics returns the topics of the wrapped handler (when it is a
// [TopicLister]) plus the service's retry topic, unless
// [WithoutRetryTopic]. Subscribers that take their topics from the
// handler thus consume the retry topic too.
func (f *FailureHandler) Topics() []string {
	var topics []string
	if tl, ok := f.next.(TopicLister); ok {
		topics = append(topics, tl.Topics()...)
	}
	if !f.o.noRetryTopic {
		topics = append(topics, f.retry)
	}
	slices.Sort(topics)
	return slices.Compact(topics)
}

// RetryTopic returns the topic this handler maps back to the original
// topics: [RetryTopic] of its service.
func (f *FailureHandler) RetryTopic() string { return f.retry }

// HandleMessage applies the failure handling described on
// [FailureHandler] to m.
func (f *FailureHandler) HandleMessage(ctx context.Context, m *Message) error {
	if err := f.stopped(); err != nil {
		return err
	}
	if m.Topic == f.retry {
		orig, ok := m.Headers[HeaderOriginalTopic]
		if !ok || ValidateTopic(orig) != nil {
			err := &ValidationError{Field: "header", Value: HeaderOriginalTopic, Reason: "missing or invalid on a message of the retry topic " + f.retry}
			return f.fail(ctx, m, &FailedError{Topic: m.Topic, Type: m.Type, Key: m.Key, EventID: m.EventID, Poison: true, Err: err})
		}
		cp := *m
		cp.Topic = orig
		cp.Headers = maps.Clone(m.Headers)
		delete(cp.Headers, HeaderOriginalTopic)
		if id, ok := cp.Headers[HeaderOriginalEventID]; ok {
			if checkUUID4(HeaderOriginalEventID, id) == nil {
				cp.EventID = id
			}
			delete(cp.Headers, HeaderOriginalEventID)
		}
		if len(cp.Headers) == 0 {
			cp.Headers = nil
		}
		m = &cp
	}
	if err := checkDelivered(m); err != nil {
		return f.fail(ctx, m, &FailedError{Topic: m.Topic, Type: m.Type, Key: m.Key, EventID: m.EventID, Poison: true, Err: err})
	}
	var err error
	attempt := 1
	for ; ; attempt++ {
		err = callSafely(context.WithValue(ctx, attemptKey{}, attempt), f.next, m)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			// Shutting down: leave the message for redelivery.
			return err
		}
		if isPoison(err) || attempt >= f.o.attempts {
			break
		}
		wait := f.o.backoff.delay(attempt)
		f.o.logger.WarnContext(logCtx(ctx, m), "events: handler failed; retrying",
			"topic", m.Topic, "type", m.Type, "event_id", m.EventID, "attempt", attempt, "retry_in", wait, "error", err)
		if !sleepCtx(ctx, wait) {
			return err
		}
	}
	return f.fail(ctx, m, &FailedError{Topic: m.Topic, Type: m.Type, Key: m.Key, EventID: m.EventID, Attempts: attempt, Poison: isPoison(err), Err: err})
}

// fail dead-letters m, or stops the subscriber when there is no DLQ.
func (f *FailureHandler) fail(ctx context.Context, m *Message, fe *FailedError) error {
	lctx := logCtx(ctx, m)
	if f.o.dlq == nil {
		f.o.logger.ErrorContext(lctx, "events: event failed and no dead letter queue is configured; stopping the subscriber",
			"topic", m.Topic, "type", m.Type, "event_id", m.EventID, "attempts", fe.Attempts, "poison", fe.Poison, "error", fe.Err)
		f.mu.Lock()
		if f.stopErr == nil {
			f.stopErr = fe
			if f.stop != nil {
				f.stop(fe)
			}
		}
		f.mu.Unlock()
		return fe
	}
	dl := deadLetterMessage(f.o.dlqTopic, f.service, m, fe.Err)
	for n := 1; ; n++ {
		err := f.o.dlq.Send(ctx, dl)
		if err == nil {
			f.o.logger.ErrorContext(lctx, "events: event moved to the dead letter queue",
				"topic", m.Topic, "type", m.Type, "event_id", m.EventID, "dlq_topic", f.o.dlqTopic,
				"dlq_event_id", dl.EventID, "attempts", fe.Attempts, "poison", fe.Poison, "error", fe.Err)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := f.o.backoff.delay(n)
		f.o.logger.WarnContext(lctx, "events: publishing to the dead letter queue failed; retrying",
			"topic", m.Topic, "event_id", m.EventID, "dlq_topic", f.o.dlqTopic, "retry_in", wait, "error", err)
		if !sleepCtx(ctx, max(wait, 10*time.Millisecond)) {
			return ctx.Err()
		}
	}
}

func (f *FailureHandler) stopped() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stopErr
}

// Supervise runs run (a subscriber's Run, for example) with a context
// that Supervise cancels when an event fails for good without a dead
// letter queue; it then returns that [*FailedError] (wrapping
// [ErrStopSubscriber]) once run returned. The failed event is not
// committed: after the cause is fixed, a restarted subscriber handles it
// again. Otherwise Supervise returns run's result. Once stopped, the
// handler refuses every further message with the same error.
func (f *FailureHandler) Supervise(ctx context.Context, run func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	f.mu.Lock()
	f.stop = cancel
	if f.stopErr != nil {
		cancel(f.stopErr)
	}
	f.mu.Unlock()
	err := run(ctx)
	if stopErr := f.stopped(); stopErr != nil {
		return stopErr
	}
	return err
}

// checkDelivered checks a delivered message against the wire format,
// except its correlation id, which the router checks under its own policy.
func checkDelivered(m *Message) error {
	return m.validate(false, true)
}

// isPoison reports whether err says that the message itself is broken, so
// that retrying cannot help.
func isPoison(err error) bool {
	return errors.Is(err, ErrMalformedPayload) || errors.Is(err, ErrInvalidMessage)
}

func logCtx(ctx context.Context, m *Message) context.Context {
	if hexkit.ValidateCorrelationID(m.CorrelationID) == nil {
		return hexkit.WithCorrelationID(ctx, m.CorrelationID)
	}
	return ctx
}
