package events

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit/events/driver"
)

// ErrInvalidMessage is wrapped by every validation error of a message: an
// invalid topic name (see [ValidateTopic]), an empty or non-ASCII type, a
// non-ASCII key (the empty key is valid), an empty or non-ASCII header
// name, a non-ASCII header value, a reserved header name, an invalid event
// or correlation id. It also refuses event types at setup: a type that
// [NewPublisher] or [Handle] cannot name.
var ErrInvalidMessage = driver.ErrInvalidMessage

// ValidationError says which field of a message is invalid and why. It
// wraps ErrInvalidMessage.
type ValidationError struct {
	Field  string // "topic", "type", "key", "event_id", "correlation_id", "header" or "payload"
	Value  string
	Reason string
}

// Error names the field, its value and the reason.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("events: invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalidMessage.
func (e *ValidationError) Unwrap() error { return ErrInvalidMessage }

// BatchError reports the outcome of sending several messages: Errs[i] is the
// error of the i-th message, nil where it was sent.
type BatchError struct {
	Errs []error
}

// Error counts the failed messages and shows the first error.
func (e *BatchError) Error() string {
	failed := 0
	var first error
	for _, err := range e.Errs {
		if err != nil {
			if first == nil {
				first = err
			}
			failed++
		}
	}
	return fmt.Sprintf("events: %d of %d messages failed; first: %v", failed, len(e.Errs), first)
}

// Unwrap returns the individual errors, so errors.Is and errors.As look
// into each of them.
func (e *BatchError) Unwrap() []error {
	out := make([]error, 0, len(e.Errs))
	for _, err := range e.Errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// ErrMalformedPayload is wrapped by every [PayloadError]: an event that its
// codec could not encode (on publish) or a payload that could not be decoded
// into the handler's event type (on delivery).
var ErrMalformedPayload = driver.ErrMalformedPayload

// PayloadError reports a payload that could not be encoded or decoded.
// errors.Is(err, ErrMalformedPayload) holds for every PayloadError; on
// publish (Op "encode") errors.Is(err, ErrInvalidMessage) holds too, since
// nothing was sent. errors.As reaches the codec's own error through Err.
//
// On delivery the router returns a PayloadError to the subscriber instead of
// acknowledging: the message is not committed, so it is never lost silently.
type PayloadError struct {
	Op      string // "encode" or "decode"
	Topic   string
	Type    string
	EventID string // empty on encode
	Err     error  // the codec's error
}

// Error describes the failure with the event's topic, type and id.
func (e *PayloadError) Error() string {
	if e.Op == "decode" {
		return fmt.Sprintf("events: cannot decode %q event %s from topic %q: %v", e.Type, e.EventID, e.Topic, e.Err)
	}
	return fmt.Sprintf("events: cannot encode %q event for topic %q: %v", e.Type, e.Topic, e.Err)
}

// Unwrap returns ErrMalformedPayload, the codec's error and, on encode,
// ErrInvalidMessage.
func (e *PayloadError) Unwrap() []error {
	if e.Op == "encode" {
		return []error{ErrMalformedPayload, ErrInvalidMessage, e.Err}
	}
	return []error{ErrMalformedPayload, e.Err}
}

// ErrClosed is returned for calls on a closed provider (its publishers,
// senders and subscribers fail with it) and by a subscriber's Run once it
// has run.
var ErrClosed = driver.ErrClosed

// ErrTopicNotFound is returned for a publish to a topic that does not
// exist: topics are created by operations or a provider's admin calls
// (kafka.Client.CreateTopics, memevents.Broker.CreateTopic), never
// implicitly, on every provider.
var ErrTopicNotFound = driver.ErrTopicNotFound

// ErrTopicExists is returned when a topic to create exists already.
var ErrTopicExists = driver.ErrTopicExists

// ErrMessageTooLarge is returned for a message over the transport's size
// limit.
var ErrMessageTooLarge = driver.ErrMessageTooLarge

// ErrUnauthorized is returned when the transport refuses the credentials
// or an ACL forbids the call.
var ErrUnauthorized = driver.ErrUnauthorized

// ErrInvalidOption is wrapped by the error of a constructor of this
// package given an invalid option, a nil handler or an invalid group;
// providers' constructors wrap it together with their own ErrInvalidConfig.
var ErrInvalidOption = driver.ErrInvalidOption

// ErrNotDeadLetter is returned by [ParseDeadLetter] for a message that
// lacks the original_topic or service header.
var ErrNotDeadLetter = errors.New("events: not a dead letter")

// PanicError is the error a [FailureHandler] makes of a handler's panic:
// the panic counts as a failed attempt like any other error, so a bad
// event can neither crash the service nor be lost.
type PanicError struct {
	Value any    // what the handler panicked with
	Stack []byte // the goroutine's stack at the panic
}

// Error reports the panic value.
func (e *PanicError) Error() string { return fmt.Sprintf("events: handler panicked: %v", e.Value) }

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// ErrStopSubscriber is wrapped by the error a [FailureHandler] without a
// dead letter queue returns for an event that failed its last attempt: the
// event must not be committed and the subscriber must stop.
// [FailureHandler.Supervise] stops it.
var ErrStopSubscriber = errors.New("events: event failed for good and no dead letter queue is configured; stopping the subscriber")

// FailedError reports an event that failed every attempt (or was
// poison), with the handler's last error in Err. With a dead letter queue
// it is only logged; without one it is what the subscriber stops with.
type FailedError struct {
	Topic    string // the topic the event was consumed from
	Type     string
	Key      string
	EventID  string
	Attempts int  // handling attempts made; 0 for poison, which is not handled
	Poison   bool // the message breaks the wire format or its payload does not decode
	Err      error
}

// Error says which event failed, how, and why.
func (e *FailedError) Error() string {
	what := fmt.Sprintf("failed after %d attempts", e.Attempts)
	if e.Poison {
		what = "is poison"
	}
	return fmt.Sprintf("events: %q event %s on topic %q (key %q) %s: %v", e.Type, e.EventID, e.Topic, e.Key, what, e.Err)
}

// Unwrap returns the handler's error and [ErrStopSubscriber].
func (e *FailedError) Unwrap() []error { return []error{e.Err, ErrStopSubscriber} }

// ErrDrainTimeout is wrapped by the *[DrainError] a subscriber's Run
// returns when its graceful drain outlasted [WithDrainTimeout].
var ErrDrainTimeout = errors.New("events: drain timed out")

// DrainError reports a graceful drain that did not finish in time: the
// messages whose handlers were still running when Run gave up. They stay
// unacknowledged, so the group gets them again.
type DrainError struct {
	Timeout time.Duration
	Stuck   []StuckMessage // sorted by topic and key; empty when no handler was running
	// Closed is set when the provider was closed by the time the drain
	// timed out: the error then wraps [ErrClosed] too.
	Closed bool
}

// StuckMessage names a message whose handler did not return in time.
type StuckMessage struct {
	Topic, Key, EventID string
}

// Error names the stuck messages.
func (e *DrainError) Error() string {
	if len(e.Stuck) == 0 {
		return fmt.Sprintf("events: subscriber did not finish draining within %v", e.Timeout)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "events: subscriber did not finish draining within %v; %d handler(s) still running:", e.Timeout, len(e.Stuck))
	for i, m := range e.Stuck {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(e.Stuck)-i)
			break
		}
		fmt.Fprintf(&b, " topic %q key %q event %s;", m.Topic, m.Key, m.EventID)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// Unwrap returns ErrDrainTimeout, and ErrClosed too when Closed is set.
func (e *DrainError) Unwrap() []error {
	if e.Closed {
		return []error{ErrDrainTimeout, ErrClosed}
	}
	return []error{ErrDrainTimeout}
}
