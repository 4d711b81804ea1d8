package kafka

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// Subscriber consumes topics as a member of the consumer group named by
// the service and hands every record, as an [events.Message], to a
// handler (usually an [events.Router]). See the package documentation's
// # Delivery semantics section for ordering, commits and redelivery.
type Subscriber struct {
	opts    []kgo.Opt
	topics  []string
	group   string
	handler events.MessageHandler
	cfg     subscriberConfig

	running atomic.Bool
	mu      sync.Mutex // guards cl
	cl      *kgo.Client
}

// NewSubscriber builds a Subscriber for the consumer group cfg.ServiceName
// that consumes topics with h. When topics is empty, h must report its
// topics with a Topics() []string method, as [events.Router] does. The
// client is built by Run, so nothing is consumed before Run.
func NewSubscriber(cfg Config, topics []string, h events.MessageHandler, opts ...SubscriberOption) (*Subscriber, error) {
	if cfg.ServiceName == "" {
		return nil, configErr("a subscriber needs a service name (its consumer group)")
	}
	if h == nil {
		return nil, configErr("nil handler")
	}
	if len(topics) == 0 {
		if t, ok := h.(interface{ Topics() []string }); ok {
			topics = t.Topics()
		}
	}
	if len(topics) == 0 {
		return nil, configErr("no topics to consume")
	}
	for _, t := range topics {
		if err := (&events.Message{Topic: t, Type: "x"}).Validate(); err != nil {
			var ve *events.ValidationError
			if errors.As(err, &ve) && ve.Field == "topic" {
				return nil, configErr("topic %q: %s", t, ve.Reason)
			}
		}
	}
	sc := defaultSubscriberConfig()
	for _, o := range opts {
		if o != nil {
			o.applySubscriber(&sc)
		}
	}
	if err := sc.validate(); err != nil {
		return nil, err
	}
	kopts, err := cfg.ownOptions()
	if err != nil {
		return nil, err
	}
	reset := kgo.NewOffset().AtStart()
	if sc.latest {
		reset = kgo.NewOffset().AtEnd()
	}
	kopts = append(kopts,
		kgo.ConsumerGroup(cfg.ServiceName),
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(reset),
	)
	kopts = append(kopts, cfg.Options...)
	// Our commit discipline comes last, so it cannot be overridden.
	kopts = append(kopts, kgo.AutoCommitMarks(), kgo.BlockRebalanceOnPoll())
	if err := kgo.ValidateOpts(kopts...); err != nil {
		return nil, configErr("%v", err)
	}
	return &Subscriber{opts: kopts, topics: append([]string(nil), topics...), group: cfg.ServiceName, handler: h, cfg: sc}, nil
}

// ErrRunning is returned by Run when the Subscriber is already running.
var ErrRunning = errors.New("kafka: subscriber is already running")

// Run joins the consumer group and handles records until ctx ends. Then it
// drains gracefully: it stops fetching, cancels the handlers' context
// (ctx), waits for the running handlers, commits the offsets of every
// handled record, leaves the group and returns nil. It returns an error
// only when the client cannot be built or, at once, when the brokers refuse
// its credentials (ErrUnauthorized). Run may be called again after it
// returned, but not concurrently.
func (s *Subscriber) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer s.running.Store(false)
	if ctx.Err() != nil {
		return nil
	}
	sess := &session{s: s, ctx: ctx, workers: make(map[topicPartition]*worker)}
	opts := append(append([]kgo.Opt{}, s.opts...),
		kgo.OnPartitionsAssigned(sess.assigned),
		kgo.OnPartitionsRevoked(sess.revoked),
		kgo.OnPartitionsLost(sess.lost),
	)
	cl, err := newClient(opts)
	if err != nil {
		return err
	}
	if err := refusedCredentials(ctx, cl); err != nil { // a wrong password would otherwise consume nothing, silently
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
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.commitTimeout)
	defer cancel()
	if err := cl.CommitMarkedOffsets(cctx); err != nil {
		s.cfg.logger.ErrorContext(ctx, "kafka: commit on shutdown failed; the uncommitted records will be redelivered",
			"group", s.group, "error", err)
	}
	cl.Close()
	return nil
}

// As reaches the franz-go client of a running Subscriber: target must be a
// **kgo.Client. It returns false when the Subscriber is not running.
func (s *Subscriber) As(target any) bool {
	c, ok := target.(**kgo.Client)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cl == nil {
		return false
	}
	*c = s.cl
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
	s   *Subscriber
	ctx context.Context

	mu      sync.Mutex // guards workers
	workers map[topicPartition]*worker
}

// poll fetches until ctx ends. With BlockRebalanceOnPoll, a rebalance
// cannot run between PollFetches and AllowRebalance; dispatching only
// queues records, so the window is short, and a revoke never races with
// records of the partitions it revokes: they are either queued at a worker
// that the revoke stops (and dropped there, uncommitted) or not returned.
func (ss *session) poll(cl *kgo.Client) {
	log := ss.s.cfg.logger
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
	}
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
	cctx, cancel := context.WithTimeout(ctx, ss.s.cfg.commitTimeout)
	defer cancel()
	if err := cl.CommitMarkedOffsets(cctx); err != nil && ctx.Err() == nil {
		ss.s.cfg.logger.Error("kafka: commit on revoke failed; the uncommitted records will be redelivered", "error", err)
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
