package kafka

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// NewSubscriber returns a member of the consumer group group (services
// usually pass their Config.ServiceName) on c, handing every record, as an
// events.Message, to h (usually an *events.Router or an
// *events.FailureHandler around one). The options are those of package
// events, with the same meaning and defaults on every provider; c's
// [Option]s tune consuming further. Nothing is consumed before Run, which
// builds the subscriber's own franz-go client (see [New]). See the package
// documentation's # Delivery semantics section for ordering, commits and
// redelivery. Errors are those of events.NewSubscriber, wrapped with
// [ErrInvalidConfig] when they are about an option.
func NewSubscriber(c *Client, group string, h events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error) {
	if c == nil {
		return nil, configErr("NewSubscriber: nil *Client")
	}
	s, err := events.NewSubscriber(c.subscriber, group, h, opts...)
	return s, optionErr(err)
}

// subscriber is the driver of one consumer group member.
type subscriber struct {
	c    *Client
	opts []kgo.Opt
	cfg  driver.SubscriberConfig

	mu sync.Mutex // guards cl
	cl *kgo.Client
}

// subscriber builds the driver of a subscriber from its checked
// configuration.
func (c *Client) subscriber(cfg driver.SubscriberConfig) (driver.Subscriber, error) {
	if c.isClosed() {
		return nil, errClientClosed
	}
	reset := kgo.NewOffset().AtStart()
	if c.o.latest {
		reset = kgo.NewOffset().AtEnd()
	}
	kopts := append(append([]kgo.Opt{}, c.own...),
		kgo.ConsumerGroup(cfg.Group),
		kgo.ConsumeTopics(cfg.Topics...),
		kgo.ConsumeResetOffset(reset),
	)
	kopts = append(kopts, c.extra...)
	// Our commit discipline comes last, so it cannot be overridden.
	kopts = append(kopts, kgo.AutoCommitMarks(), kgo.BlockRebalanceOnPoll())
	c.optsMu.Lock()
	err := kgo.ValidateOpts(kopts...)
	c.optsMu.Unlock()
	if err != nil {
		return nil, configErr("%v", err)
	}
	return &subscriber{c: c, opts: kopts, cfg: cfg}, nil
}

// Run joins the consumer group and handles records until ctx ends or the
// client is closed, then drains; see events.Subscriber.
func (s *subscriber) Run(ctx context.Context) error {
	c := s.c
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errClientClosed
	}
	c.running.Add(1)
	c.mu.Unlock()
	defer c.running.Done()
	if ctx.Err() != nil {
		return nil
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-rctx.Done():
		}
	}()
	sess := &session{s: s, ctx: rctx, workers: make(map[topicPartition]*worker), released: make(chan struct{}, 1)}
	opts := append(append([]kgo.Opt{}, s.opts...),
		kgo.OnPartitionsAssigned(sess.assigned),
		kgo.OnPartitionsRevoked(sess.revoked),
		kgo.OnPartitionsLost(sess.lost),
	)
	c.optsMu.Lock()
	cl, err := newClient(opts)
	c.optsMu.Unlock()
	if err != nil {
		return err
	}
	if err := refusedCredentials(rctx, cl); err != nil { // a wrong password would otherwise consume nothing, silently
		cl.Close()
		return err
	}
	s.mu.Lock()
	s.cl = cl
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cl = nil
		s.mu.Unlock()
	}()
	sess.poll(cl)
	sess.stopWorkers(cl, nil)
	cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.commitTimeout)
	defer ccancel()
	if err := cl.CommitMarkedOffsets(cctx); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "kafka: commit on shutdown failed; the uncommitted records will be redelivered",
			"group", s.cfg.Group, "error", err)
	}
	cl.Close()
	if ctx.Err() == nil && c.isClosed() {
		return errClientClosed
	}
	return nil
}

// WaitIdle takes the end offsets of the subscriber's topics and waits
// until the group's committed offsets reach them, committing what this
// member handled first, so it need not wait for the periodic commit.
func (s *subscriber) WaitIdle(ctx context.Context) error {
	if s.c.isClosed() {
		return errClientClosed
	}
	adm := s.c.adm
	md, err := adm.Metadata(ctx, s.cfg.Topics...)
	if err != nil {
		return s.waitErr(ctx, err)
	}
	var topics []string // those that exist: the others hold nothing
	for _, t := range s.cfg.Topics {
		if d, ok := md.Topics[t]; ok && d.Err == nil {
			topics = append(topics, t)
		}
	}
	if len(topics) == 0 {
		return nil
	}
	starts, err := adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		return s.waitErr(ctx, err)
	}
	ends, err := adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		return s.waitErr(ctx, err)
	}
	for {
		if s.c.isClosed() {
			return errClientClosed
		}
		s.mu.Lock()
		cl := s.cl
		s.mu.Unlock()
		if cl != nil {
			_ = cl.CommitMarkedOffsets(ctx)
		}
		committed, err := adm.FetchOffsetsForTopics(ctx, s.cfg.Group, topics...)
		if err == nil {
			err = committed.Error()
		}
		if errors.Is(err, kerr.GroupIDNotFound) {
			committed, err = nil, nil
		}
		if err != nil {
			return s.waitErr(ctx, err)
		}
		idle := true
		ends.Each(func(end kadm.ListedOffset) {
			if end.Err != nil { // a topic that does not exist holds nothing
				return
			}
			from := int64(0)
			if st, ok := starts.Lookup(end.Topic, end.Partition); ok && st.Err == nil {
				from = st.Offset
			}
			if o, ok := committed.Lookup(end.Topic, end.Partition); ok && o.At > from {
				from = o.At
			}
			if from < end.Offset {
				idle = false
			}
		})
		if idle {
			return nil
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.done:
			return errClientClosed
		}
	}
}

// waitErr maps an error of WaitIdle's queries.
func (s *subscriber) waitErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if s.c.isClosed() {
		return errClientClosed
	}
	return mapError(err)
}

// Closed reports whether the client was closed.
func (s *subscriber) Closed() bool { return s.c.isClosed() }

// As reaches the franz-go client of a running subscriber: target must be
// a **kgo.Client. It returns false when the subscriber is not running.
func (s *subscriber) As(target any) bool {
	t, ok := target.(**kgo.Client)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cl == nil {
		return false
	}
	*t = s.cl
	return true
}

type topicPartition struct {
	topic     string
	partition int32
}

// session is the state of one Run: a worker per assigned partition. The
// client is passed around rather than kept, because franz-go may call the
// rebalance callbacks before NewClient has returned it.
type session struct {
	s   *subscriber
	ctx context.Context

	mu      sync.Mutex // guards workers
	workers map[topicPartition]*worker

	released chan struct{} // a worker released records (capacity 1)
}

// poll fetches until ctx ends. With BlockRebalanceOnPoll, a rebalance
// cannot run between PollFetches and AllowRebalance; dispatching only
// queues records, so the window is short, and a revoke never races with
// records of the partitions it revokes: they are either queued at a worker
// that the revoke stops (and dropped there, uncommitted) or not returned.
func (ss *session) poll(cl *kgo.Client) {
	log := ss.s.cfg.Logger
	for {
		fetches := cl.PollFetches(ss.ctx)
		if ss.ctx.Err() != nil || fetches.IsClientClosed() {
			cl.AllowRebalance()
			return
		}
		fetches.EachError(func(topic string, partition int32, err error) {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return
			}
			log.WarnContext(ss.ctx, "kafka: fetch error", "topic", topic, "partition", partition, "error", mapError(err))
		})
		ss.mu.Lock()
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if len(p.Records) == 0 {
				return
			}
			if w := ss.workers[topicPartition{p.Topic, p.Partition}]; w != nil {
				w.push(p.Records)
			}
		})
		ss.mu.Unlock()
		cl.AllowRebalance()
		// Let the workers just woken run now, on this thread, rather than
		// wait for another one to wake up: it takes tens of microseconds
		// off each event's latency when the subscriber is not busy.
		runtime.Gosched()
		ss.throttle()
	}
}

// throttleWait is how long the poll loop waits for a worker over its
// limits before it pauses that worker's partition and polls for the
// others. A busy worker gets below its limits well within it, so the
// loop just waits, as a consumer that handles what it polled before it
// polls again does; franz-go keeps at most one fetch buffered meanwhile.
// Pausing is for a worker whose handler fails or is very slow: it costs
// the fetch franz-go buffered for its partition, dropped and fetched
// again on resume.
const throttleWait = 50 * time.Millisecond

// throttle waits until no unpaused worker is over its limits, pausing
// the partitions of those still over them after throttleWait.
func (ss *session) throttle() {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	var expired <-chan time.Time
	for {
		full := ss.overLimit()
		if len(full) == 0 {
			return
		}
		if timer == nil {
			timer = time.NewTimer(throttleWait)
			expired = timer.C
		}
		select {
		case <-ss.released:
		case <-expired:
			for _, w := range full {
				w.pauseIfFull()
			}
			return
		case <-ss.ctx.Done():
			return
		}
	}
}

// overLimit returns the unpaused workers over their limits.
func (ss *session) overLimit() []*worker {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var full []*worker
	for _, w := range ss.workers {
		if w.overLimit() {
			full = append(full, w)
		}
	}
	return full
}

// assigned starts a worker for every newly assigned partition.
func (ss *session) assigned(_ context.Context, cl *kgo.Client, assigned map[string][]int32) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for topic, parts := range assigned {
		for _, p := range parts {
			tp := topicPartition{topic, p}
			if ss.workers[tp] != nil {
				continue
			}
			w := newWorker(ss, cl, tp)
			ss.workers[tp] = w
			go w.run()
		}
	}
}

// revoked stops the workers of the revoked partitions, waits for their
// running handlers, and commits what they handled, so that the next owner
// resumes right after it.
func (ss *session) revoked(ctx context.Context, cl *kgo.Client, revoked map[string][]int32) {
	ss.stopWorkers(cl, revoked)
	cctx, cancel := context.WithTimeout(ctx, ss.s.c.o.commitTimeout)
	defer cancel()
	if err := cl.CommitMarkedOffsets(cctx); err != nil && ctx.Err() == nil {
		ss.s.cfg.Logger.Error("kafka: commit on revoke failed; the uncommitted records will be redelivered", "error", err)
	}
}

// lost stops the workers of lost partitions; committing is pointless.
func (ss *session) lost(_ context.Context, cl *kgo.Client, lost map[string][]int32) {
	ss.stopWorkers(cl, lost)
}

// stopWorkers stops the workers of parts (all when nil), waits until they
// have returned, and resumes fetching of partitions they had paused.
func (ss *session) stopWorkers(cl *kgo.Client, parts map[string][]int32) {
	ss.mu.Lock()
	var stopped []*worker
	for tp, w := range ss.workers {
		if parts == nil || containsPartition(parts, tp) {
			stopped = append(stopped, w)
			delete(ss.workers, tp)
		}
	}
	ss.mu.Unlock()
	for _, w := range stopped {
		w.stop()
	}
	resume := map[string][]int32{}
	for _, w := range stopped {
		<-w.done
		if w.wasPaused() {
			resume[w.tp.topic] = append(resume[w.tp.topic], w.tp.partition)
		}
	}
	if len(resume) > 0 {
		cl.ResumeFetchPartitions(resume)
	}
}

func containsPartition(parts map[string][]int32, tp topicPartition) bool {
	for _, p := range parts[tp.topic] {
		if p == tp.partition {
			return true
		}
	}
	return false
}

// sleep waits d, or until stop is closed or ctx ends; it reports whether
// the full time passed.
func sleep(ctx context.Context, stop <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	case <-ctx.Done():
		return false
	}
}
