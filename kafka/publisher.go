package kafka

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/hexkit-go/hexkit/events"
)

// Publisher sends messages to Kafka: it implements [events.Sender], so
// [events.NewPublisher] builds typed publishers on top of it.
//
// Records are produced asynchronously through one franz-go client, so the
// messages of concurrent Send calls share batches; Send returns once every
// record of the call is acknowledged by all in-sync replicas (acks=all,
// idempotent producer) or has failed, with the real per-message error.
// A Publisher is safe for concurrent use.
type Publisher struct {
	cl     *kgo.Client
	owned  bool
	closed atomic.Bool
	// checkAuth is set while a publisher built with SASL credentials has not
	// yet seen the brokers accept them: franz-go retries a refused login
	// like a broken connection, so Send checks first and fails fast.
	checkAuth atomic.Bool
}

var _ events.Sender = (*Publisher)(nil)

// NewPublisher builds a Publisher with its own franz-go client from cfg.
// Close closes that client. The producer is idempotent and waits for all
// in-sync replicas; cfg.Options may tune it further.
func NewPublisher(cfg Config) (*Publisher, error) {
	opts, err := cfg.clientOptions()
	if err != nil {
		return nil, err
	}
	cl, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	p := &Publisher{cl: cl, owned: true}
	p.checkAuth.Store(cfg.SASL != nil)
	return p, nil
}

// NewPublisherFromClient builds a Publisher on a client the caller owns;
// Close flushes but does not close it. For the delivery guarantees that
// Send documents the client must keep franz-go's defaults of acks=all and
// idempotence.
func NewPublisherFromClient(cl *kgo.Client) (*Publisher, error) {
	if cl == nil {
		return nil, configErr("nil *kgo.Client")
	}
	return &Publisher{cl: cl}, nil
}

// errNilMessage fails a nil entry of a Send call.
var errNilMessage = &events.ValidationError{Field: "message", Value: "<nil>", Reason: "nil message"}

// Send validates msgs and produces the valid ones; see [events.Sender].
// Invalid messages fail with an error wrapping events.ErrInvalidMessage and
// are not sent; the others are sent. Send returns nil when all were
// acknowledged, a *events.BatchError with the error of each message
// otherwise (broker errors are mapped, see [ErrTopicNotFound] and the
// others; a publisher with SASL credentials that the brokers refuse fails
// at once with [ErrUnauthorized]), ctx's error when ctx ends first (records already handed to the
// broker may still be written), or an error wrapping events.ErrClosed after
// Close. Payloads are not copied: callers must not modify them until Send
// returns.
func (p *Publisher) Send(ctx context.Context, msgs ...*events.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	errs := make([]error, len(msgs))
	if p.closed.Load() {
		for i := range errs {
			errs[i] = errPublisherClosed
		}
		return &events.BatchError{Errs: errs}
	}
	valid := 0
	for i, m := range msgs {
		switch {
		case m == nil:
			errs[i] = errNilMessage
		default:
			if err := m.Validate(); err != nil {
				errs[i] = err
				continue
			}
			valid++
		}
	}
	failed := valid < len(msgs)
	if valid > 0 && p.checkAuth.Load() {
		if err := p.authenticate(ctx); err != nil {
			for i := range errs {
				if errs[i] == nil {
					errs[i] = err
				}
			}
			return &events.BatchError{Errs: errs}
		}
	}
	if valid > 0 {
		b := &sendBatch{errs: errs, done: make(chan struct{})}
		b.recs = encodeRecords(msgs, errs)
		b.remaining.Store(int64(valid))
		for i := range b.recs {
			if errs[i] == nil {
				p.cl.Produce(ctx, &b.recs[i], b.promise)
			}
		}
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		failed = failed || b.failed.Load()
	}
	if !failed {
		return nil
	}
	return &events.BatchError{Errs: errs}
}

// authenticate asks the brokers for metadata once and returns
// ErrUnauthorized when they refuse the credentials. Once a request has
// gone through, later Sends skip the check; any other failure (a broker
// down or slow) is left to the produce path, which rides it out.
func (p *Publisher) authenticate(ctx context.Context) error {
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := kmsg.NewPtrMetadataRequest().RequestWith(actx, p.cl)
	switch err = mapError(err); {
	case err == nil:
		p.checkAuth.Store(false)
	case errors.Is(err, ErrUnauthorized):
		return err
	}
	return nil
}

var errPublisherClosed = errors.Join(events.ErrClosed, errors.New("kafka: publisher closed"))

// sendBatch tracks the records of one Send call until all are finished.
type sendBatch struct {
	recs      []kgo.Record
	errs      []error
	remaining atomic.Int64
	failed    atomic.Bool
	done      chan struct{}
}

// promise is the produce callback of every record of the batch. Errors are
// rare, so the failing record's index is found by a scan instead of a
// closure per record.
func (b *sendBatch) promise(r *kgo.Record, err error) {
	if err != nil {
		for i := range b.recs {
			if &b.recs[i] == r {
				b.errs[i] = mapError(err)
				break
			}
		}
		b.failed.Store(true)
	}
	if b.remaining.Add(-1) == 0 {
		close(b.done)
	}
}

// Close stops accepting messages, waits until every buffered record is
// acknowledged or failed (or ctx ends), and closes the client if the
// Publisher built it. Later Sends fail with events.ErrClosed. Close is
// idempotent.
func (p *Publisher) Close(ctx context.Context) error {
	if p.closed.Swap(true) {
		return nil
	}
	err := p.cl.Flush(ctx)
	if p.owned {
		p.cl.Close()
	}
	return mapError(err)
}

// As reaches the franz-go client behind the Publisher: target must be a
// **kgo.Client. See the package documentation's # As section.
func (p *Publisher) As(target any) bool {
	if c, ok := target.(**kgo.Client); ok {
		*c = p.cl
		return true
	}
	return false
}
