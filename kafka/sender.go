package kafka

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

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
// Records are produced through c's franz-go client, and concurrent calls
// share produce requests: while a publish of a few events is in flight on
// c, the next ones wait for it (5ms at most) and then go together; a lone
// publisher never waits. Publish returns once the record is acknowledged by
// all in-sync replicas or has failed; when ctx ends first, it returns ctx's
// error, and the event may or may not be written.
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
	b := &sendBatch{ctx: ctx, errs: errs, done: make(chan struct{})}
	b.recs = encodeRecords(msgs)
	b.remaining.Store(int64(len(msgs)))
	c.waves.send(b)
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
		if c.waves.withdraw(b) {
			return ctx.Err() // never handed to franz-go: nothing was sent
		}
		// errs is the caller's again: promises still to come must not
		// write to it.
		b.mu.Lock()
		b.abandoned = true
		b.mu.Unlock()
		return ctx.Err()
	}
}

// sendBatch tracks the records of one Send call until all are finished.
type sendBatch struct {
	ctx       context.Context
	recs      []kgo.Record
	errs      []error
	remaining atomic.Int64
	done      chan struct{}
	wave      *wave // set before the records are produced

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
	w := b.wave // read before done is closed: the batch is the caller's after
	if b.remaining.Add(-1) == 0 {
		close(b.done)
	}
	w.finished()
}

// waves coalesces concurrent small Send calls into fewer, larger produce
// requests. franz-go sends a produce request as soon as it has records and
// a free request slot (five per broker), so many goroutines publishing one
// event each make many small requests, and the broker's cost per request
// and per partition batch, not per event, bounds their throughput. Here
// the records of Send calls of fewer than coalesceBelow messages are handed
// to franz-go in waves: while fewer than maxWaves waves are unfinished, a
// Send's records go at once (a lone publisher never waits); otherwise the
// Send queues, and when a wave finishes every queued Send goes together as
// the next wave, which franz-go packs into few requests. Queued records
// wait for one wave's acknowledgement, which they would otherwise have
// spent competing for the same request slots, and at most maxHold; a Send
// whose context ends while it is queued is withdrawn, and nothing of it is
// sent.
type waves struct {
	cl  *kgo.Client
	max int

	mu       sync.Mutex
	inflight int          // waves handed to franz-go and not finished
	queued   []*sendBatch // Send calls waiting for the next wave
	hold     *time.Timer  // starts the next wave after maxHold
	closing  bool         // Close began: nothing queues any more
}

// wave is one set of records handed to franz-go together.
type wave struct {
	w         *waves
	remaining atomic.Int64
}

// coalesceBelow is the size from which a Send's records go to franz-go at
// once, outside the waves: a batch that large fills requests of its own.
const coalesceBelow = 64

// send hands b's records to franz-go now, or queues them for the next wave.
func (ws *waves) send(b *sendBatch) {
	if len(b.recs) >= coalesceBelow {
		b.wave = &wave{} // not counted
		for i := range b.recs {
			ws.cl.Produce(b.ctx, &b.recs[i], b.promise)
		}
		return
	}
	ws.mu.Lock()
	if ws.inflight >= ws.max && !ws.closing {
		ws.queued = append(ws.queued, b)
		if len(ws.queued) == 1 {
			if ws.hold == nil {
				ws.hold = time.AfterFunc(maxHold, ws.expire)
			} else {
				ws.hold.Reset(maxHold)
			}
		}
		ws.mu.Unlock()
		return
	}
	ws.inflight++
	ws.mu.Unlock()
	ws.produce([]*sendBatch{b})
}

// produce hands batches to franz-go as one wave, which the caller has
// counted in inflight.
func (ws *waves) produce(batches []*sendBatch) {
	w := &wave{w: ws}
	n := 0
	for _, b := range batches {
		n += len(b.recs)
		b.wave = w
	}
	w.remaining.Store(int64(n))
	for _, b := range batches {
		for i := range b.recs {
			ws.cl.Produce(b.ctx, &b.recs[i], b.promise)
		}
	}
}

// finished counts one finished record of the wave; the last one starts
// the next wave with whatever queued meanwhile. Promises run on franz-go's
// goroutines, which must not block on producing, so the next wave is
// handed over from a goroutine of its own.
func (w *wave) finished() {
	if w.w == nil || w.remaining.Add(-1) != 0 {
		return
	}
	ws := w.w
	ws.mu.Lock()
	next := ws.queued
	ws.queued = nil
	if len(next) == 0 {
		ws.inflight--
	} else {
		ws.hold.Stop()
	}
	ws.mu.Unlock()
	if len(next) > 0 {
		go ws.produce(next)
	}
}

// expire starts the next wave when the queued Send calls waited maxHold:
// a wave can be slow to finish when one of its partitions is (its leader
// is down, say), and the others' events must not wait for it.
func (ws *waves) expire() {
	ws.mu.Lock()
	next := ws.queued
	ws.queued = nil
	if len(next) > 0 {
		ws.inflight++
	}
	ws.mu.Unlock()
	if len(next) > 0 {
		ws.produce(next)
	}
}

// withdraw takes b out of the queue if it is still there, reporting
// whether it was: its records were never handed to franz-go.
func (ws *waves) withdraw(b *sendBatch) bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for i, q := range ws.queued {
		if q == b {
			ws.queued = append(ws.queued[:i], ws.queued[i+1:]...)
			return true
		}
	}
	return false
}

// close hands every queued Send to franz-go at once and makes later ones
// go directly, so that Close's flush covers them.
func (ws *waves) close() {
	ws.mu.Lock()
	ws.closing = true
	next := ws.queued
	ws.queued = nil
	if len(next) > 0 {
		ws.inflight++
	}
	ws.mu.Unlock()
	if len(next) > 0 {
		ws.produce(next)
	}
}

// maxHold bounds how long a Send waits for its wave: far above a wave's
// round trip on a healthy cluster, far below a partition's failover.
const maxHold = 5 * time.Millisecond

// maxWaves is how many waves may be unfinished before small Send calls
// queue. One measured best: with 64 goroutines publishing one event each,
// produce requests carry 32 records instead of 10, the broker spends about
// a third less CPU per event, and latency at 2000 events/s is unchanged.
const maxWaves = 1

func newWaves(cl *kgo.Client) *waves { return &waves{cl: cl, max: maxWaves} }
