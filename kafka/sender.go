package kafka

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// NewPublisher returns a publisher of E events to topic through c. It
// fails like events.NewPublisher: an invalid topic name or an event type E
// cannot name wraps events.ErrInvalidMessage; a nil c or an invalid option
// wraps [ErrInvalidConfig] (and events.ErrInvalidOption). A topic that
// does not exist fails each publish with events.ErrTopicNotFound (with
// automatic topic creation off on the brokers, as in production).
//
// Records are produced asynchronously through c's franz-go client, so the
// events of concurrent calls share batches; Publish returns once the
// record is acknowledged by all in-sync replicas or has failed.
func NewPublisher[E events.Event](c *Client, topic string, opts ...events.PublisherOption) (events.Publisher[E], error) {
	if c == nil {
		return nil, configErr("NewPublisher: nil *Client")
	}
	p, err := events.NewPublisher[E]((*sender)(c), topic, opts...)
	return p, optionErr(err)
}

// NewSender returns an events.Sender through c, which publishes messages
// as they are: for an events.FailureHandler's dead letter queue and for
// tools. A nil c fails with [ErrInvalidConfig].
func NewSender(c *Client) (events.Sender, error) {
	if c == nil {
		return nil, configErr("NewSender: nil *Client")
	}
	return events.NewSender((*sender)(c))
}

// sender is the client's driver.Sender.
type sender Client

var errClientClosed = fmt.Errorf("%w: kafka: client closed", events.ErrClosed)

// Send produces msgs (validated by package events) and waits for every
// acknowledgement; see driver.Sender. Payloads are not copied.
func (s *sender) Send(ctx context.Context, msgs []*driver.Message, errs []error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	c := (*Client)(s)
	if c.isClosed() {
		for i := range errs {
			errs[i] = errClientClosed
		}
		return nil
	}
	if !c.authorized.Load() {
		if err := refusedCredentials(ctx, c.cl); err != nil {
			for i := range errs {
				errs[i] = err
			}
			return nil
		}
		c.authorized.Store(true)
	}
	b := &sendBatch{errs: errs, done: make(chan struct{})}
	b.recs = encodeRecords(msgs)
	c.padOversized(msgs, b.recs)
	b.remaining.Store(int64(len(msgs)))
	for i := range b.recs {
		c.cl.Produce(ctx, &b.recs[i], b.promise)
	}
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		// errs is the caller's again: promises still to come must not
		// write to it.
		b.mu.Lock()
		b.abandoned = true
		b.mu.Unlock()
		return ctx.Err()
	}
}

// sizeSlack is how many bytes more franz-go accepts in a record batch
// once a broker has answered a produce request than before (it counts the
// non-flexible framing until it knows the broker's produce version).
const sizeSlack = 3

// padOversized makes franz-go refuse, on every send, the records whose
// batch (driver.RecordSize, which counts the larger framing) is over the
// client's batch size limit for its topic but which franz-go would accept
// once it knows the broker's produce version: their value grows by
// sizeSlack bytes, so that franz-go refuses them too, as it refuses any
// larger record, with kerr.MessageTooLarge after it found the topic (a
// missing topic is reported first, as for every record). A padded record
// is never sent.
func (c *Client) padOversized(msgs []*driver.Message, recs []kgo.Record) {
	for i, m := range msgs {
		limit := int(c.maxBatch(m.Topic))
		if n := driver.RecordSize(m); n > limit && n <= limit+sizeSlack {
			v := make([]byte, len(recs[i].Value)+sizeSlack)
			copy(v, recs[i].Value)
			recs[i].Value = v
		}
	}
}

// sendBatch tracks the records of one Send call until all are finished.
type sendBatch struct {
	recs      []kgo.Record
	errs      []error
	remaining atomic.Int64
	done      chan struct{}

	mu        sync.Mutex // guards errs against a Send that returned early
	abandoned bool
}

// promise is the produce callback of every record of the batch. Errors are
// rare, so the failing record's index is found by a scan instead of a
// closure per record.
func (b *sendBatch) promise(r *kgo.Record, err error) {
	if err != nil {
		b.mu.Lock()
		for i := range b.recs {
			if &b.recs[i] == r && !b.abandoned {
				b.errs[i] = mapError(err)
				break
			}
		}
		b.mu.Unlock()
	}
	if b.remaining.Add(-1) == 0 {
		close(b.done)
	}
}
