package driver

import (
	"context"
	"log/slog"
	"time"
)

// Message is one event as a driver carries it. Package events has a type
// with the same fields (events.Message), so the portable layer converts
// pointers between the two without copying.
type Message struct {
	Topic         string
	Key           string
	Type          string
	EventID       string
	CorrelationID string
	Headers       map[string]string // user headers; never the reserved names; a driver delivers nil when there are none
	Payload       []byte
	Timestamp     time.Time // set by the driver on delivery; ignored on send
}

// Sender is the publishing side of a provider.
type Sender interface {
	// Send publishes msgs and returns once every message is stored
	// (acknowledged by the transport) or has failed. The portable layer
	// has validated every message: none is nil and each follows the wire
	// format, so Send does not validate again. errs has the length of msgs
	// and is all nil on entry; Send sets errs[i] to the error of msgs[i]
	// when it failed, mapped to a sentinel of this package where one
	// applies (ErrTopicNotFound for a topic that does not exist: a driver
	// never creates topics on publish; ErrMessageTooLarge; ErrClosed after
	// the provider was closed; ErrUnauthorized). Send returns a non-nil
	// error only for the call as a whole: the context's error, unwrapped,
	// when ctx ended before every message finished (messages already handed
	// to the transport may still be written, and may still read their
	// payloads). Send must be safe for concurrent use and must not keep
	// msgs or their payloads after it returned nil.
	Send(ctx context.Context, msgs []*Message, errs []error) error
}

// Handler is what a driver's subscriber calls for every delivered message;
// the portable layer implements it around the service's handler.
type Handler interface {
	// HandleMessage handles m. Nil acknowledges m: the driver may commit
	// its offset once every earlier message of its partition is
	// acknowledged too. An error leaves m unacknowledged: the driver
	// reports the error to SubscriberConfig.OnError, waits the backoff and
	// calls HandleMessage again with the same message, without moving past
	// it on its partition: a new *Message with its own Headers map, holding
	// the message as it was stored (its Payload may share memory with
	// earlier deliveries, which handlers must not write into). The context
	// ends when the subscriber shuts down or loses the partition. m
	// belongs to the handler until it returns.
	HandleMessage(ctx context.Context, m *Message) error
	// HandleUndecodable is called instead of HandleMessage for a record
	// that the driver cannot turn into a Message at all (a reserved header
	// given twice): m holds what could be decoded and err, wrapping
	// ErrInvalidMessage, why the rest could not. The result means what
	// HandleMessage's does.
	HandleUndecodable(ctx context.Context, m *Message, err error) error
}

// Backoff paces redeliveries after a handler error: the first redelivery
// waits Initial, each further one twice as long as the one before, at
// most Max. A success resets it. The portable layer guarantees
// 0 < Initial <= Max.
type Backoff struct {
	Initial, Max time.Duration
}

// SubscriberConfig is the checked configuration of one subscriber.
type SubscriberConfig struct {
	Group   string   // the consumer group; printable ASCII, 1 to 32767 bytes (events.MaxGroupLen)
	Topics  []string // valid topic names, sorted, without duplicates, at least one
	Handler Handler
	Backoff Backoff
	Logger  *slog.Logger // never nil
	// OnError, never nil, is called for every failed handling attempt,
	// after the driver logged it and before the backoff, with the
	// handler's error wrapped in the driver's description of where the
	// message sits (errors.Is and errors.As must reach the handler's error).
	OnError func(ctx context.Context, err error)
}

// Subscriber is the consuming side of a provider: one member of a consumer
// group.
type Subscriber interface {
	// Run consumes the configured topics as a member of the group, calling
	// the handler for every message, until ctx ends; then it drains: it
	// stops fetching, cancels the handlers' context, waits for running
	// handlers, commits what they acknowledged, leaves the group and
	// returns nil. It returns ErrClosed, after the same drain, when the
	// provider was closed, and ErrUnauthorized at once when the transport
	// refuses its credentials. Topics that do not exist yet are consumed
	// once they are created. The portable layer calls Run at most once.
	Run(ctx context.Context) error
	// WaitIdle returns nil once every message stored in the subscriber's
	// topics before WaitIdle was called has been acknowledged by the
	// subscriber's group (by this member or another), the context's error
	// when ctx ends first, and ErrClosed after the provider was closed. It
	// may be called before and while Run runs.
	WaitIdle(ctx context.Context) error
	// Closed reports whether the provider was closed. The portable layer
	// asks when Run's drain outlasts its timeout, so that the error it
	// returns then wraps ErrClosed too. It must not block.
	Closed() bool
	// As reaches the driver's native types; see events.Subscriber.
	As(target any) bool
}
