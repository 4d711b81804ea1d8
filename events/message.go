package events

import (
	"context"
	"crypto/rand"
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
	Topic         string            // a valid topic name, see ValidateTopic
	Key           string            // printable ASCII; the empty key is valid
	Type          string            // event type, ASCII, non-empty
	EventID       string            // UUID version 4 string
	CorrelationID string            // UUID version 4 string
	Headers       map[string]string // user headers (ASCII); never the reserved names; nil on delivery when there are none
	Payload       []byte            // the encoded event: a JSON object with the default codec
	Timestamp     time.Time         // set by the transport on delivery; ignored on send
}

// Sender publishes messages as they are, without encoding: the dead
// letter queue of a [FailureHandler] ([WithDLQ]) and tools that forward or
// replay messages use it; services publish typed events with a [Publisher].
// Get one from a provider (kafka.NewSender, memevents.NewSender).
type Sender interface {
	// Send publishes msgs and returns once every message is acknowledged by
	// the transport or has failed. It returns nil when all succeeded,
	// otherwise a *BatchError whose Errs[i] is the error of msgs[i], or the
	// context's error, unwrapped, when ctx ended first (when some messages
	// were refused, the *BatchError instead, with the context's error for
	// each valid message: those may or may not be written). Messages are
	// validated before anything is sent: a nil or invalid message fails
	// with an error wrapping ErrInvalidMessage and is not sent; the valid
	// ones are sent. A message to a topic that does not exist fails with
	// ErrTopicNotFound. Send does not keep msgs after it returned.
	Send(ctx context.Context, msgs ...*Message) error
}

// MessageHandler is the erased handling side: the router implements it and
// providers call it for every delivered message. Returning nil acknowledges
// the message; an error leaves it unacknowledged for redelivery (or the
// failure handling configured on the subscriber). Every delivery, a
// redelivery included, gets a *Message and a Headers map of its own, which
// the handler may change; it must not write into the bytes of its
// Payload, which a provider may share between the deliveries of a message
// (package kafka does).
type MessageHandler interface {
	HandleMessage(ctx context.Context, m *Message) error
}

// MessageHandlerFunc adapts a function to MessageHandler.
type MessageHandlerFunc func(ctx context.Context, m *Message) error

// HandleMessage calls f(ctx, m).
func (f MessageHandlerFunc) HandleMessage(ctx context.Context, m *Message) error { return f(ctx, m) }

// Validate checks m against the wire format: a valid topic name
// ([ValidateTopic]), type printable ASCII and not empty, key and user
// headers printable ASCII (the key may be empty), no reserved header among the user's,
// event and correlation ids valid UUID version 4 strings. It does not look
// into the payload.
func (m *Message) Validate() error { return m.validate(false, false) }

// validate is Validate without the check of the event id when
// skipEventID, and of the correlation id when skipCorrelationID: a
// publisher skips the ids it generated, a [FailureHandler] the correlation
// id, which the router checks under its own policy.
func (m *Message) validate(skipEventID, skipCorrelationID bool) error {
	if err := ValidateTopic(m.Topic); err != nil {
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

// MaxTopicLen is the longest valid topic name, Kafka's limit.
const MaxTopicLen = 249

// ValidateTopic reports whether name is a valid topic name, by Kafka's
// rules, which every provider applies: 1 to [MaxTopicLen] characters, each
// an ASCII letter, digit, '.', '_' or '-', and neither "." nor "..". The
// error is a *ValidationError wrapping [ErrInvalidMessage].
func ValidateTopic(name string) error {
	reason := ""
	switch {
	case name == "":
		reason = "must not be empty"
	case len(name) > MaxTopicLen:
		reason = fmt.Sprintf("is %d characters long, more than %d", len(name), MaxTopicLen)
	case name == "." || name == "..":
		reason = "must not be \".\" or \"..\""
	}
	for i := 0; reason == "" && i < len(name); i++ {
		if c := name[i]; !topicChar(c) {
			reason = fmt.Sprintf("byte %d (%q) is not an ASCII letter, digit, '.', '_' or '-'", i, c)
		}
	}
	if reason != "" {
		return &ValidationError{Field: "topic", Value: name, Reason: reason}
	}
	return nil
}

func topicChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
}

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
func NewEventID() string {
	// Reading into a local array keeps the 16 random bytes off the heap
	// (uuid.NewString reads through an io.Reader, which costs one more
	// allocation per message); only the string is allocated.
	var u uuid.UUID
	_, _ = rand.Read(u[:])  // never fails: crypto/rand.Read panics instead
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}
