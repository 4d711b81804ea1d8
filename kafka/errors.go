package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// ErrInvalidConfig is wrapped by every error about a [Config], an
// [Option] or a constructor's arguments, and by a topic config that
// CreateTopics or the brokers refuse ([TopicSpec].Configs). An invalid
// option of package events wraps events.ErrInvalidOption as well.
var ErrInvalidConfig = errors.New("kafka: invalid configuration")

// ErrNotNext is returned by [DLQ.Replay] and [DLQ.Discard] for a dead
// letter that is not the next unprocessed one of its partition: a DLQ is
// worked through in order, since committing an offset commits everything
// before it.
var ErrNotNext = errors.New("kafka: not the next dead letter of its partition")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
}

// optionErr wraps err with ErrInvalidConfig when it is an error of
// package events about an option.
func optionErr(err error) error {
	if errors.Is(err, events.ErrInvalidOption) {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return err
}

// mapError is the one place where driver errors become hexkit errors.
// Context errors pass through unwrapped; a closed client maps to
// events.ErrClosed; known broker errors map to the sentinels of package
// events; every mapped error still wraps the driver's error for errors.As.
func mapError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return context.DeadlineExceeded
	case errors.Is(err, events.ErrClosed):
		return err
	case errors.Is(err, kgo.ErrClientClosed):
		return fmt.Errorf("%w: %w", events.ErrClosed, err)
	case errors.Is(err, kerr.UnknownTopicOrPartition), errors.Is(err, kerr.UnknownTopicID):
		return fmt.Errorf("%w: %w", events.ErrTopicNotFound, err)
	case errors.Is(err, kerr.TopicAlreadyExists):
		return fmt.Errorf("%w: %w", events.ErrTopicExists, err)
	case errors.Is(err, kerr.InvalidConfig):
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	case errors.Is(err, kerr.InvalidTopicException):
		return fmt.Errorf("%w: %w", events.ErrInvalidMessage, err)
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return fmt.Errorf("%w: %w", events.ErrMessageTooLarge, err)
	case errors.Is(err, kerr.TopicAuthorizationFailed), errors.Is(err, kerr.GroupAuthorizationFailed),
		errors.Is(err, kerr.ClusterAuthorizationFailed), errors.Is(err, kerr.SaslAuthenticationFailed),
		errors.Is(err, kerr.TransactionalIDAuthorizationFailed), errors.Is(err, kerr.UnsupportedSaslMechanism),
		errors.Is(err, kerr.IllegalSaslState):
		return fmt.Errorf("%w: %w", events.ErrUnauthorized, err)
	}
	return fmt.Errorf("kafka: %w", err)
}

// HandlerError reports one failed attempt to handle a record: the
// handler's error, or a *RecordError when the record cannot be represented
// as a message.
// The record is retried after a backoff; it is never skipped or committed.
// The error hook of events.WithErrorHook receives it.
type HandlerError struct {
	Topic     string
	Partition int32
	Offset    int64
	Attempt   int             // 1 for the first failure
	Message   *events.Message // as decoded; partial when decoding failed
	Err       error
}

// Error names the record, the attempt and the handler's error.
func (e *HandlerError) Error() string {
	return fmt.Sprintf("kafka: handling %s/%d@%d (attempt %d) failed: %v", e.Topic, e.Partition, e.Offset, e.Attempt, e.Err)
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// RecordError reports a consumed record that cannot be represented as a
// message: one with a header given twice (a reserved header such as type,
// or a user header). It wraps a *events.ValidationError, so errors.Is(err,
// events.ErrInvalidMessage) holds. It is the only header problem the
// subscriber reports itself: a record with a missing or empty header, an
// invalid event or correlation id, or a header value that is not printable
// ASCII is handed to the handler as it is, for the handler to judge (an
// events.Router refuses a missing type with its own error and generates a
// missing correlation id unless strict).
type RecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	Err       error
}

// Error names the record and the reason.
func (e *RecordError) Error() string {
	return fmt.Sprintf("kafka: record %s/%d@%d: %v", e.Topic, e.Partition, e.Offset, e.Err)
}

// Unwrap returns the underlying error.
func (e *RecordError) Unwrap() error { return e.Err }
