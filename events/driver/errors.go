package driver

import "errors"

// Sentinel errors of the events protocol. Package events re-exports each
// under the same name; drivers wrap them, with the native error, in their
// one error-mapping function.
var (
	// ErrInvalidMessage: a message, topic name, key, type or header breaks
	// the wire format. Nothing was sent.
	ErrInvalidMessage = errors.New("events: invalid message")
	// ErrMalformedPayload: an event could not be encoded, or a payload not
	// decoded into the handler's type.
	ErrMalformedPayload = errors.New("events: malformed payload")
	// ErrTopicNotFound: the topic does not exist. Topics are created by
	// operations (or a provider's admin calls), never by publishing.
	ErrTopicNotFound = errors.New("events: topic not found")
	// ErrTopicExists: a topic to create exists already.
	ErrTopicExists = errors.New("events: topic already exists")
	// ErrMessageTooLarge: a message exceeds the transport's size limit.
	ErrMessageTooLarge = errors.New("events: message too large")
	// ErrUnauthorized: the transport refused the credentials, or an ACL
	// forbids the call.
	ErrUnauthorized = errors.New("events: not authorized")
	// ErrClosed: the provider was closed, or a subscriber's Run already
	// returned.
	ErrClosed = errors.New("events: closed")
	// ErrInvalidOption: an option of a constructor of package events is
	// invalid.
	ErrInvalidOption = errors.New("events: invalid option")
)
