package events

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/hexkit-go/hexkit"
)

// Headers that a [FailureHandler] adds to the events it hands to the dead
// letter queue, as Python hexkit does, and the header that events coming
// back on the retry topic carry.
const (
	HeaderExcClass        = "exc_class"         // the Go type of the error, e.g. "*events.PanicError"
	HeaderExcMsg          = "exc_msg"           // the error's message
	HeaderOriginalTopic   = "original_topic"    // the topic the event was consumed from
	HeaderOriginalEventID = "original_event_id" // the failed event's id
	HeaderService         = "service"           // the service that failed to handle it
)

// DefaultDLQTopic is the dead letter queue topic unless
// [WithDLQTopic] says otherwise.
const DefaultDLQTopic = "dlq"

// UnknownType is the event type of a dead letter whose original message
// had no valid type header.
const UnknownType = "unknown"

// RetryTopic returns the topic on which the events of service come back
// from the dead letter queue: "retry-" + service.
func RetryTopic(service string) string { return "retry-" + service }

// DeadLetter is an event in the dead letter queue, as a DLQ consumer sees
// it: the original payload, type, key and correlation id, its own event id
// and timestamp, the user's headers, and why and where it failed. A
// consumer that knows the event type reads the payload with
// Decode[E](&d.Message).
type DeadLetter struct {
	Message                           // the DLQ message itself, all headers included
	ExcClass        string            // header exc_class
	ExcMsg          string            // header exc_msg
	OriginalTopic   string            // header original_topic
	OriginalEventID string            // header original_event_id
	Service         string            // header service
	UserHeaders     map[string]string // Headers without the five above
}

// ParseDeadLetter reads the dead-letter headers of m, a message consumed
// from a dead letter queue topic. The returned DeadLetter shares nothing
// mutable with m.
func ParseDeadLetter(m *Message) (DeadLetter, error) {
	d := DeadLetter{Message: *m}
	d.Headers = maps.Clone(m.Headers)
	d.Payload = append([]byte(nil), m.Payload...)
	h := d.Headers
	d.ExcClass, d.ExcMsg = h[HeaderExcClass], h[HeaderExcMsg]
	d.OriginalTopic, d.OriginalEventID, d.Service = h[HeaderOriginalTopic], h[HeaderOriginalEventID], h[HeaderService]
	d.UserHeaders = map[string]string{}
	for k, v := range h {
		switch k {
		case HeaderExcClass, HeaderExcMsg, HeaderOriginalTopic, HeaderOriginalEventID, HeaderService:
		default:
			d.UserHeaders[k] = v
		}
	}
	if d.OriginalTopic == "" || d.Service == "" {
		return d, fmt.Errorf("%w: message %s on topic %q has no %s or %s header", ErrNotDeadLetter, m.EventID, m.Topic, HeaderOriginalTopic, HeaderService)
	}
	return d, nil
}

// HandleDeadLetters returns a MessageHandler for a subscriber of the dead
// letter queue topic: it parses every message with [ParseDeadLetter] and
// calls h. A message that is not a dead letter is handed to h as it is,
// with the error of ParseDeadLetter in the second argument, so h decides
// (nothing is dropped silently).
func HandleDeadLetters(h func(ctx context.Context, d DeadLetter, parseErr error) error) MessageHandler {
	return MessageHandlerFunc(func(ctx context.Context, m *Message) error {
		d, err := ParseDeadLetter(m)
		if hexkit.ValidateCorrelationID(m.CorrelationID) == nil {
			ctx = hexkit.WithCorrelationID(ctx, m.CorrelationID)
		}
		return h(ctx, d, err)
	})
}

// RetryMessage returns the message that sends d back to its service: on
// the service's retry topic ([RetryTopic]), with the dead letter's type,
// key, correlation id and user headers, a new event id, headers
// original_topic and (when d names a valid one) original_event_id, and
// payload (d's payload when payload is nil). It is what DLQ tools publish
// to replay a dead letter once its cause is fixed. A [FailureHandler]
// delivers the replay under its original topic and its original event id,
// so an idempotent consumer (package inbox) takes every replay of one dead
// letter for the same event.
func RetryMessage(d DeadLetter, payload []byte) *Message {
	if payload == nil {
		payload = d.Payload
	}
	h := maps.Clone(d.UserHeaders)
	if h == nil {
		h = map[string]string{}
	}
	h[HeaderOriginalTopic] = d.OriginalTopic
	if checkUUID4(HeaderOriginalEventID, d.OriginalEventID) == nil {
		h[HeaderOriginalEventID] = d.OriginalEventID
	}
	return &Message{
		Topic:         RetryTopic(d.Service),
		Key:           d.Key,
		Type:          d.Type,
		EventID:       NewEventID(),
		CorrelationID: d.CorrelationID,
		Headers:       h,
		Payload:       payload,
	}
}

// deadLetterMessage builds the DLQ message for m, which failed with err
// in service, as [FailureHandler] documents.
func deadLetterMessage(dlqTopic, service string, m *Message, err error) *Message {
	h := make(map[string]string, len(m.Headers)+5)
	for k, v := range m.Headers {
		k = asciiEscape(k)
		switch k {
		case "", HeaderType, HeaderEventID, HeaderCorrelationID:
			continue
		}
		h[k] = asciiEscape(v)
	}
	h[HeaderExcClass] = excClass(err)
	h[HeaderExcMsg] = excMsg(err)
	h[HeaderOriginalTopic] = asciiEscape(m.Topic)
	h[HeaderOriginalEventID] = asciiEscape(m.EventID)
	h[HeaderService] = service
	typ := asciiEscape(m.Type)
	if typ == "" {
		typ = UnknownType
	}
	corr := m.CorrelationID
	if hexkit.ValidateCorrelationID(corr) != nil {
		corr = hexkit.NewCorrelationID()
	}
	return &Message{
		Topic:         dlqTopic,
		Key:           asciiEscape(m.Key),
		Type:          typ,
		EventID:       NewEventID(),
		CorrelationID: corr,
		Headers:       h,
		Payload:       m.Payload,
		Timestamp:     time.Time{},
	}
}

// excClass names the Go type of the error the handler returned, looking
// through the failure handler's own wrapping.
func excClass(err error) string {
	var fe *FailedError
	if errors.As(err, &fe) {
		err = fe.Err
	}
	return fmt.Sprintf("%T", err)
}

// maxExcMsg bounds the exc_msg header, so that a long error message
// cannot push a dead letter over the transport's size limit.
const maxExcMsg = 2000

// excMsg returns the exc_msg header for err: its message, escaped like
// every header value, and when that is longer than maxExcMsg bytes, its
// first maxExcMsg-3 bytes followed by "...". The escaped message is ASCII,
// so the cut splits no character (it may split an escape sequence).
func excMsg(err error) string {
	msg := asciiEscape(err.Error())
	if len(msg) > maxExcMsg {
		msg = msg[:maxExcMsg-len("...")] + "..."
	}
	return msg
}

// asciiEscape returns s when it is printable ASCII, and otherwise its
// escaped form: strconv.QuoteToASCII without the surrounding quotes.
func asciiEscape(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			q := strconv.QuoteToASCII(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
