package eventstest

import (
	"context"

	"github.com/hexkit-go/hexkit/events"
)

// Harness gives the suite access to one implementation of the events
// protocol. [Run] builds a fresh harness for every subtest and closes it at
// the end of the subtest; the suite uses unique topic and group names in
// every subtest, so harnesses may share one server.
type Harness interface {
	// Sender returns the provider's sender. The suite publishes through it,
	// both directly and through events.NewPublisher.
	Sender() events.Sender

	// CreateTopic creates topic with the given number of partitions and
	// returns once producers and consumers can use it.
	CreateTopic(ctx context.Context, topic string, partitions int) error

	// StartSubscriber starts one member of the consumer group group that
	// consumes topics with h, from the group's committed offsets (the
	// earliest offset when the group has none), as the provider's Run does.
	// It returns once the subscriber runs (it need not have joined the group
	// yet). ctx bounds the start only: the subscriber runs until stop is
	// called. stop cancels the subscriber's context, waits until it returns
	// after its graceful drain, and returns its result (nil for a graceful
	// shutdown). The suite calls every stop exactly once, before Close.
	//
	// The protocol's delivery rules apply: per partition, messages reach h in
	// order; a handler error redelivers the same message (after the
	// provider's backoff) without moving past it; the committed offset
	// advances only over handled messages and is committed on shutdown; the
	// context given to h is canceled when the subscriber shuts down.
	StartSubscriber(ctx context.Context, group string, topics []string, h events.MessageHandler) (stop func() error, err error)

	// Close closes the sender and releases the harness. Afterwards Send must
	// fail with an error wrapping events.ErrClosed. Close may be called more
	// than once.
	Close() error
}

// RawSender is an optional Harness capability: it sends messages without
// the validation that events.Sender does, so the suite can deliver
// messages a foreign producer might write (no type header, no correlation
// id). Enable it with Features.RawSend.
type RawSender interface {
	SendRaw(ctx context.Context, msgs ...*events.Message) error
}

// Features tells the suite what an implementation supports, so a case that
// does not apply is skipped with a reason instead of failing.
type Features struct {
	// RawSend: the harness implements RawSender, and the transport can
	// carry a message without type or correlation id headers.
	RawSend bool

	// Partitions is the number of partitions the suite asks for in its
	// multi-partition cases (per-key order, group split). Zero means 4.
	Partitions int
}
