package eventstest

import (
	"context"
	"errors"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// Harness gives the suite access to one provider of the events protocol,
// through the constructors a service uses. [Run] builds a fresh harness for
// every subtest and closes it at the end of the subtest; the suite uses
// unique topic and group names in every subtest, so harnesses may share one
// server.
type Harness interface {
	// Sender returns the provider's events.Sender (its NewSender). The
	// suite publishes through it, directly and under typed publishers.
	Sender() events.Sender

	// CreateTopic creates topic with the given number of partitions and
	// returns once producers and consumers can use it. A name Kafka
	// refuses (events.ValidateTopic, or one that differs from an existing
	// topic's only in '.' versus '_') must fail with an error wrapping
	// events.ErrInvalidMessage.
	CreateTopic(ctx context.Context, topic string, partitions int) error

	// NewSubscriber returns a member of the consumer group group that hands
	// messages to h, built by the provider's NewSubscriber with opts. The
	// suite runs it, stops it by canceling Run's context and waits for Run
	// to return, always before Close.
	NewSubscriber(group string, h events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error)

	// Close closes the provider. Afterwards Send must fail with an error
	// wrapping events.ErrClosed. Close may be called more than once.
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

// senderDriver lets the suite build typed publishers with
// events.NewPublisher on the harness's events.Sender.
type senderDriver struct{ s events.Sender }

func (d senderDriver) Send(ctx context.Context, msgs []*driver.Message, errs []error) error {
	ms := make([]*events.Message, len(msgs))
	for i, m := range msgs {
		ms[i] = (*events.Message)(m)
	}
	err := d.s.Send(ctx, ms...)
	if be, ok := errors.AsType[*events.BatchError](err); ok {
		copy(errs, be.Errs)
		return nil
	}
	return err
}
