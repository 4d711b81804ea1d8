package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// Sentinels of this provider for failures the events protocol has no
// portable name for. Each is wrapped together with the driver's error, so
// errors.As still reaches the kerr.Error or kgo error behind it.
var (
	// ErrTopicNotFound: the topic does not exist (and the broker does not
	// create topics automatically).
	ErrTopicNotFound = errors.New("kafka: topic not found")
	// ErrTopicExists: CreateTopics found the topic already there.
	ErrTopicExists = errors.New("kafka: topic already exists")
	// ErrMessageTooLarge: the record exceeds the client's or the broker's
	// size limit.
	ErrMessageTooLarge = errors.New("kafka: message too large")
	// ErrUnauthorized: authentication failed or an ACL forbids the call.
	ErrUnauthorized = errors.New("kafka: not authorized")
)

// mapError is the one place where driver errors become hexkit errors.
// Context errors pass through unwrapped; a closed client maps to
// events.ErrClosed; known broker errors map to this package's sentinels;
// every mapped error still wraps the driver's error for errors.As.
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
		return fmt.Errorf("%w: %w", ErrTopicNotFound, err)
	case errors.Is(err, kerr.TopicAlreadyExists):
		return fmt.Errorf("%w: %w", ErrTopicExists, err)
	case errors.Is(err, kerr.MessageTooLarge), errors.Is(err, kerr.RecordListTooLarge):
		return fmt.Errorf("%w: %w", ErrMessageTooLarge, err)
	case errors.Is(err, kerr.TopicAuthorizationFailed), errors.Is(err, kerr.GroupAuthorizationFailed),
		errors.Is(err, kerr.ClusterAuthorizationFailed), errors.Is(err, kerr.SaslAuthenticationFailed),
		errors.Is(err, kerr.TransactionalIDAuthorizationFailed):
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	return fmt.Errorf("kafka: %w", err)
}
