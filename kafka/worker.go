package kafka

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// worker handles the records of one assigned partition in offset order
// (or, with key concurrency, in order per key) and marks the handled ones
// for commit. The poll loop queues records without blocking, and then
// waits while a worker holds (queued or in its handler) as many records or
// bytes as it may; a worker that stays over its limits for longer than
// throttleWait (a failing or slow handler) has fetching of its partition
// paused until it is below them again, so it never holds back the others
// for long, and never holds more than about one fetch beyond its limit.
type worker struct {
	ss *session
	cl *kgo.Client
	tp topicPartition

	mu      sync.Mutex
	queue   []queuedBatch
	queued  int // records queued or being handled
	bytes   int // their keys', values' and headers' bytes
	paused  bool
	wake    chan struct{}
	halt    chan struct{} // closed by stop
	stopped atomic.Bool
	done    chan struct{}
}

func newWorker(ss *session, cl *kgo.Client, tp topicPartition) *worker {
	return &worker{ss: ss, cl: cl, tp: tp, wake: make(chan struct{}, 1), halt: make(chan struct{}), done: make(chan struct{})}
}

// queuedBatch is a fetched batch waiting for the worker, with its size in
// bytes (see recordBytes).
type queuedBatch struct {
	recs  []*kgo.Record
	bytes int
}

// push queues a fetched batch of the worker's partition.
func (w *worker) push(recs []*kgo.Record) {
	b := queuedBatch{recs: recs, bytes: recordBytes(recs)}
	w.mu.Lock()
	w.queue = append(w.queue, b)
	w.queued += len(recs)
	w.bytes += b.bytes
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// full reports whether the worker holds as many records or bytes as it
// may; w.mu is held.
func (w *worker) full() bool {
	o := &w.ss.s.c.o
	return w.queued >= o.maxQueued || w.bytes >= o.maxQueuedBytes
}

// recordBytes is what recs hold in keys, values and headers.
func recordBytes(recs []*kgo.Record) int {
	n := 0
	for _, r := range recs {
		n += len(r.Key) + len(r.Value)
		for i := range r.Headers {
			n += len(r.Headers[i].Key) + len(r.Headers[i].Value)
		}
	}
	return n
}

// release counts b as handled, resumes fetching when the worker had
// paused it and is below its limits again, and wakes a waiting poll loop.
// Pausing and resuming happen under w.mu, so that they reach franz-go in
// the order they were decided.
func (w *worker) release(b queuedBatch) {
	w.mu.Lock()
	w.queued -= len(b.recs)
	w.bytes -= b.bytes
	if w.paused && !w.full() {
		w.paused = false
		w.cl.ResumeFetchPartitions(map[string][]int32{w.tp.topic: {w.tp.partition}})
	}
	w.mu.Unlock()
	select {
	case w.ss.released <- struct{}{}:
	default:
	}
}

// overLimit reports whether the worker is over its limits and not paused.
func (w *worker) overLimit() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.paused && w.full()
}

// pauseIfFull pauses fetching of the worker's partition if it is still
// over its limits.
func (w *worker) pauseIfFull() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.paused && w.full() {
		w.paused = true
		w.cl.PauseFetchPartitions(map[string][]int32{w.tp.topic: {w.tp.partition}})
	}
}

// stop makes the worker return after the handler call in progress, if
// any; queued records are dropped uncommitted.
func (w *worker) stop() {
	if !w.stopped.Swap(true) {
		close(w.halt)
	}
}

func (w *worker) wasPaused() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.paused
}

func (w *worker) run() {
	defer close(w.done)
	ctx := w.ss.ctx
	for {
		w.mu.Lock()
		batches := w.queue
		w.queue = nil
		w.mu.Unlock()
		if len(batches) == 0 {
			select {
			case <-w.wake:
				continue
			case <-w.halt:
				return
			case <-ctx.Done():
				return
			}
		}
		for _, b := range batches {
			if !w.handleBatch(ctx, b.recs) {
				return // stopWorkers resumes a paused partition
			}
			w.release(b)
		}
	}
}

// handleBatch handles recs (one partition, offset order) and marks the
// handled prefix for commit. It returns false when the worker must stop.
func (w *worker) handleBatch(ctx context.Context, recs []*kgo.Record) bool {
	msgs, errs := decodeBatch(recs)
	if lanes := w.ss.s.c.o.keyLanes; lanes > 1 && len(recs) > 1 {
		return w.handleLanes(ctx, recs, msgs, errs, lanes)
	}
	done := ctx.Done()
	var last *kgo.Record
	for i, r := range recs {
		if w.stopped.Load() || isDone(done) || !w.handle(ctx, r, &msgs[i], errAt(errs, i), &last) {
			w.mark(last)
			return false
		}
		last = r
	}
	w.mark(last)
	return true
}

func isDone(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

func errAt(errs []error, i int) error {
	if errs == nil {
		return nil
	}
	return errs[i]
}

// handleLanes handles recs with up to lanes concurrent handlers: records
// with the same key go to the same lane, in offset order; the empty key is
// a key like any other (and a record without a key has it). The batch is
// marked only when every lane has finished it, so marks stay contiguous.
func (w *worker) handleLanes(ctx context.Context, recs []*kgo.Record, msgs []driver.Message, errs []error, lanes int) bool {
	split := make([][]int, lanes)
	seed := w.ss.s.c.o.seed
	for i, r := range recs {
		l := int(maphash.Bytes(seed, r.Key) % uint64(lanes))
		split[l] = append(split[l], i)
	}
	done := ctx.Done()
	var wg sync.WaitGroup
	var failed atomic.Bool
	for _, lane := range split {
		if len(lane) == 0 {
			continue
		}
		wg.Go(func() {
			for _, i := range lane {
				if w.stopped.Load() || isDone(done) || !w.handle(ctx, recs[i], &msgs[i], errAt(errs, i), nil) {
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return false
	}
	w.mark(recs[len(recs)-1])
	return true
}

func (w *worker) mark(r *kgo.Record) {
	if r != nil {
		w.cl.MarkCommitRecords(r)
	}
}

// handle delivers m, decoded from r, until the handler accepts it; when
// decoding failed (decodeErr), every attempt hands the record to the
// handler's HandleUndecodable. On the first failure it marks *handled (what
// the batch handled so far) and clears it; it reports every failure and
// retries after an exponential backoff, with a message decoded from r
// again, so that what the handler did to m and its headers does not reach
// the redelivery (the payload is r's value on every attempt). It returns
// false when the worker is stopped or ctx ends first; r is then neither
// handled nor marked.
func (w *worker) handle(ctx context.Context, r *kgo.Record, m *driver.Message, decodeErr error, handled **kgo.Record) bool {
	cfg := &w.ss.s.cfg
	backoff := cfg.Backoff.Initial
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			msgs, _ := decodeBatch([]*kgo.Record{r}) // the same record fails to decode the same way
			m = &msgs[0]
		}
		var err error
		if decodeErr == nil {
			err = cfg.Handler.HandleMessage(ctx, m)
		} else {
			err = cfg.Handler.HandleUndecodable(ctx, m, decodeErr) // e.g. a FailureHandler's dead letter queue
		}
		if err == nil {
			return true
		}
		if ctx.Err() != nil || w.stopped.Load() {
			return false
		}
		if handled != nil && *handled != nil {
			w.mark(*handled)
			*handled = nil
		}
		herr := &HandlerError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
			Attempt: attempt, Message: (*events.Message)(m), Err: err}
		cfg.Logger.WarnContext(ctx, "kafka: handling failed; retrying the record after a backoff",
			"topic", herr.Topic, "partition", herr.Partition, "offset", herr.Offset, "attempt", attempt,
			"type", m.Type, "event_id", m.EventID, "retry_in", backoff, "error", err)
		cfg.OnError(ctx, herr)
		if !sleep(ctx, w.halt, backoff) {
			return false
		}
		backoff = min(backoff*2, cfg.Backoff.Max)
	}
}
