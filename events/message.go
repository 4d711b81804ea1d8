package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit"
)

// Reserved header names of the wire format. They travel as Kafka record
// headers next to the user's own headers, and a user header may not use them.
const (
	HeaderType          = "type"
	HeaderEventID       = "event_id"
	HeaderCorrelationID = "correlation_id"
)

// Message is one event as the transport carries it: typed events are
// encoded into messages by publishers and decoded from them by the router.
// Providers translate messages to and from their technology and nothing
// more.
type Message struct {
	Topic         string            // ASCII, non-empty
	Key           string            // ASCII; may be empty
	Type          string            // event type, ASCII, non-empty
	EventID       string            // UUID version 4 string
	CorrelationID string            // UUID version 4 string
	Headers       map[string]string // user headers (ASCII); never the reserved names
	Payload       []byte            // the encoded event: a JSON object with the default codec
	Timestamp     time.Time         // set by the transport on delivery; ignored on send
}

// Sender is the erased publishing side that providers implement.
type Sender interface {
	// Send publishes msgs and returns once every message is acknowledged by
	// the transport or has failed. It returns nil when all succeeded and
	// otherwise a *BatchError (possibly wrapped) whose Errs[i] is the error of
	// msgs[i], or the context's error when ctx ended first. Messages are
	// validated before anything is sent: an invalid message fails with an
	// error wrapping ErrInvalidMessage and is not sent.
	Send(ctx context.Context, msgs ...*Message) error
}

// MessageHandler is the erased handling side: the router implements it and
// providers call it for every delivered message. Returning nil acknowledges
// the message; an error leaves it unacknowledged for redelivery (or the
// failure handling configured on the subscriber).
type MessageHandler interface {
	HandleMessage(ctx context.Context, m *Message) error
}

// MessageHandlerFunc adapts a function to MessageHandler.
type MessageHandlerFunc func(ctx context.Context, m *Message) error

// HandleMessage calls f(ctx, m).
func (f MessageHandlerFunc) HandleMessage(ctx context.Context, m *Message) error { return f(ctx, m) }

// ErrInvalidMessage is wrapped by every validation error of a message: a
// non-ASCII or empty topic, type, key or header, a reserved header name, an
// invalid event or correlation id.
var ErrInvalidMessage = errors.New("events: invalid message")

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

// Validate checks m against the wire format: topic and type ASCII and not
// empty, key and user headers ASCII, no reserved header among the user's,
// event and correlation ids valid UUID version 4 strings. It does not look
// into the payload.
func (m *Message) Validate() error { return m.validate(false, false) }

// validate is Validate without the check of the event id when
// skipEventID, and of the correlation id when skipCorrelationID: a
// publisher skips the ids it generated, a [FailureHandler] the correlation
// id, which the router checks under its own policy.
func (m *Message) validate(skipEventID, skipCorrelationID bool) error {
	if err := checkASCII("topic", m.Topic, m.Topic, false); err != nil {
		return err
	}
	if err := checkASCII("type", m.Type, m.Type, false); err != nil {
		return err
	}
	if err := checkASCII("key", m.Key, m.Key, true); err != nil {
		return err
	}
	if !skipEventID {
		if err := checkUUID4(HeaderEventID, m.EventID); err != nil {
			return err
		}
	}
	if !skipCorrelationID {
		if err := checkUUID4(HeaderCorrelationID, m.CorrelationID); err != nil {
			return err
		}
	}
	for k, v := range m.Headers {
		switch k {
		case HeaderType, HeaderEventID, HeaderCorrelationID:
			return &ValidationError{Field: "header", Value: k, Reason: "reserved header name"}
		}
		if err := checkASCII("header", k, k, false); err != nil {
			return err
		}
		if err := checkASCII("header", k, v, true); err != nil {
			return err
		}
	}
	return nil
}

// ValidateTopic reports whether name is a valid topic name: printable
// ASCII and not empty. The error is a *ValidationError.
func ValidateTopic(name string) error { return checkASCII("topic", name, name, false) }

// checkASCII reports whether v is printable ASCII (and not empty unless
// emptyOK); name is what the error shows as the value.
func checkASCII(field, name, v string, emptyOK bool) error {
	if v == "" && !emptyOK {
		return &ValidationError{Field: field, Value: name, Reason: "must not be empty"}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= 0x7f || c < 0x20 {
			reason := fmt.Sprintf("byte %d (0x%02x) is not printable ASCII", i, c)
			if name != v {
				reason = "value: " + reason
			}
			return &ValidationError{Field: field, Value: name, Reason: reason}
		}
	}
	return nil
}

func checkUUID4(field, v string) error {
	if err := hexkit.ValidateCorrelationID(v); err != nil {
		reason := strings.TrimPrefix(err.Error(), hexkit.ErrInvalidCorrelationID.Error()+": ")
		return &ValidationError{Field: field, Value: v, Reason: reason}
	}
	return nil
}

// NewEventID returns a fresh event id: a UUID version 4 string.
func NewEventID() string { return uuid.NewString() }
