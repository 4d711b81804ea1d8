package kafka

import (
	"hash/maphash"
	"time"
)

// Option configures a [Client] ([Open], [New]): how its subscribers
// consume. The options every provider shares (topics, retry backoff,
// logger, error hook) are those of package events, given to
// [NewSubscriber].
type Option func(*clientOptions)

type clientOptions struct {
	keyLanes       int
	latest         bool
	maxQueued      int
	maxQueuedBytes int
	commitTimeout  time.Duration
	seed           maphash.Seed
}

// applyOptions applies opts over the defaults and validates the result.
func applyOptions(opts []Option) (clientOptions, error) {
	o := clientOptions{keyLanes: 1, maxQueued: 10000, maxQueuedBytes: defaultMaxQueuedBytes, commitTimeout: 30 * time.Second, seed: maphash.MakeSeed()}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	switch {
	case o.keyLanes < 1:
		return o, configErr("key concurrency %d: want at least 1", o.keyLanes)
	case o.maxQueued < 1:
		return o, configErr("max queued records %d: want at least 1", o.maxQueued)
	case o.maxQueuedBytes < 1:
		return o, configErr("max queued bytes %d: want at least 1", o.maxQueuedBytes)
	case o.commitTimeout <= 0:
		return o, configErr("commit timeout %v: want > 0", o.commitTimeout)
	}
	return o, nil
}

// WithKeyConcurrency lets up to n handlers run concurrently within one
// partition, each for a different subset of keys, so that order is kept
// per key rather than per partition. The empty key is a key like any
// other: records with it (and records produced without a key, which are
// delivered with the empty key) keep their order too. It needs n >= 1.
// Default 1: one handler per partition, in offset order.
func WithKeyConcurrency(n int) Option {
	return func(o *clientOptions) { o.keyLanes = n }
}

// WithStartAtLatest makes a group without committed offsets start at the
// end of each partition instead of the beginning (the default), so it
// sees only records produced after it joined. WaitIdle counts a partition
// the group never committed from its first offset, so on such a group it
// returns only once records produced after the join are handled.
func WithStartAtLatest() Option {
	return func(o *clientOptions) { o.latest = true }
}

// WithMaxQueuedRecords sets how many fetched records may wait for or be in
// the handler per partition, as [WithMaxQueuedBytes] does for their bytes
// (and with the same pausing). It needs n >= 1. Default 10000.
func WithMaxQueuedRecords(n int) Option {
	return func(o *clientOptions) { o.maxQueued = n }
}

// defaultMaxQueuedBytes is the default of [WithMaxQueuedBytes]: one of
// franz-go's default fetches of a partition.
const defaultMaxQueuedBytes = 1 << 20

// WithMaxQueuedBytes sets how many bytes (keys, values and headers) of
// fetched records may wait for or be in the handler per partition. A
// subscriber does not poll for more while a partition is over this limit
// or [WithMaxQueuedRecords]; a partition still over them after a short
// wait (50ms: its handler is failing or very slow) has its fetching paused
// until it is below both again, and the others go on. With the record
// limit it bounds a subscriber's memory by its partitions rather than by
// its records' sizes; a fetch is never split, so a partition may exceed
// the limit by one fetch (at least one record batch). It needs n >= 1.
// Default 1 MiB.
func WithMaxQueuedBytes(n int) Option {
	return func(o *clientOptions) { o.maxQueuedBytes = n }
}

// WithCommitTimeout bounds the commits on revoke and on shutdown. It needs
// d > 0. Default 30s.
func WithCommitTimeout(d time.Duration) Option {
	return func(o *clientOptions) { o.commitTimeout = d }
}
