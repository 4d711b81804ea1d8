package kafka

import (
	"context"
	"hash/maphash"
	"log/slog"
	"time"
)

// SubscriberOption configures a [Subscriber].
type SubscriberOption interface {
	applySubscriber(*subscriberConfig)
}

type subscriberOptionFunc func(*subscriberConfig)

func (f subscriberOptionFunc) applySubscriber(c *subscriberConfig) { f(c) }

type subscriberConfig struct {
	logger        *slog.Logger
	backoffMin    time.Duration
	backoffMax    time.Duration
	keyLanes      int
	latest        bool
	maxQueued     int
	commitTimeout time.Duration
	onErrorHook   func(ctx context.Context, err *HandlerError)
	seed          maphash.Seed
}

func defaultSubscriberConfig() subscriberConfig {
	return subscriberConfig{
		logger:        slog.Default(),
		backoffMin:    100 * time.Millisecond,
		backoffMax:    10 * time.Second,
		keyLanes:      1,
		maxQueued:     10000,
		commitTimeout: 30 * time.Second,
		seed:          maphash.MakeSeed(),
	}
}

func (c *subscriberConfig) validate() error {
	switch {
	case c.logger == nil:
		return configErr("nil logger")
	case c.backoffMin <= 0 || c.backoffMax < c.backoffMin:
		return configErr("retry backoff %v..%v: want 0 < min <= max", c.backoffMin, c.backoffMax)
	case c.keyLanes < 1:
		return configErr("key concurrency %d: want at least 1", c.keyLanes)
	case c.maxQueued < 1:
		return configErr("max queued records %d: want at least 1", c.maxQueued)
	case c.commitTimeout <= 0:
		return configErr("commit timeout %v: want > 0", c.commitTimeout)
	}
	return nil
}

// onError reports a failed handling attempt: to the hook when one is set,
// and to the log.
func (c *subscriberConfig) onError(ctx context.Context, err *HandlerError) {
	c.logger.ErrorContext(ctx, "kafka: handling failed; retrying the record after a backoff",
		"topic", err.Topic, "partition", err.Partition, "offset", err.Offset, "attempt", err.Attempt,
		"type", err.Message.Type, "event_id", err.Message.EventID, "error", err.Err)
	if c.onErrorHook != nil {
		c.onErrorHook(ctx, err)
	}
}

// WithLogger sets the logger for fetch errors, failed handling attempts
// and commit failures. Default: slog.Default().
func WithLogger(l *slog.Logger) SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.logger = l })
}

// WithRetryBackoff sets the backoff between attempts to handle a record
// that failed: it starts at min and doubles up to max. Default 100ms..10s.
func WithRetryBackoff(min, max time.Duration) SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.backoffMin, c.backoffMax = min, max })
}

// WithKeyConcurrency lets up to n handlers run concurrently within one
// partition, each for a different subset of keys, so that order is kept
// per key rather than per partition. Records without a key are spread
// over the lanes. Default 1: one handler per partition, in offset order.
func WithKeyConcurrency(n int) SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.keyLanes = n })
}

// WithStartAtLatest makes a group without committed offsets start at the
// end of each partition instead of the beginning (the default), so it
// sees only records produced after it joined.
func WithStartAtLatest() SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.latest = true })
}

// WithMaxQueuedRecords sets how many fetched records may wait per
// partition before fetching of that partition pauses until its handler
// catches up. Default 10000.
func WithMaxQueuedRecords(n int) SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.maxQueued = n })
}

// WithCommitTimeout bounds the commits on revoke and on shutdown.
// Default 30s.
func WithCommitTimeout(d time.Duration) SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.commitTimeout = d })
}

// WithErrorHook calls hook for every failed attempt to handle a record
// (after it is logged), before the backoff. The hook must not block for
// long: the partition waits for it. Default: none.
func WithErrorHook(hook func(ctx context.Context, err *HandlerError)) SubscriberOption {
	return subscriberOptionFunc(func(c *subscriberConfig) { c.onErrorHook = hook })
}
