package inbox

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Defaults of the options.
const (
	// DefaultRetention is how long an [Inbox] remembers a handled event
	// unless [WithRetention] says otherwise.
	DefaultRetention = 7 * 24 * time.Hour
	// DefaultClaimTimeout is how long an [Inbox] claim lasts unless
	// [WithClaimTimeout] says otherwise.
	DefaultClaimTimeout = 30 * time.Second
	// DefaultKeep is how many event ids an [Applier] keeps per document
	// unless [WithKeep] says otherwise.
	DefaultKeep = 100
	// DefaultAttempts is how often an [Applier] tries a write that
	// conflicts with a concurrent one unless [WithAttempts] says otherwise.
	DefaultAttempts = 10
)

// Limits of the options and arguments.
const (
	// MaxKeep is the largest value [WithKeep] accepts: 100000 event ids of
	// 36 bytes stay well below MongoDB's 16 MiB document limit.
	MaxKeep = 100_000
	// MaxEventIDLen is the longest event id, in bytes, that
	// [Applier.Apply] accepts.
	MaxEventIDLen = 255
)

// Option configures an [Inbox] at construction. [New] checks every option
// and fails with an error wrapping [ErrInvalidOption] naming each invalid
// one.
type Option func(*options)

type options struct {
	retention    time.Duration
	claimTimeout time.Duration
	claimWait    time.Duration
	logger       *slog.Logger
	errs         []error
}

// WithRetention sets how long the record of a handled event is kept: a
// duplicate that arrives later than that after the event was handled is
// handled again. It bounds the store's size to the events of one retention
// period. Default: [DefaultRetention]. It must be at least a millisecond and
// at least the claim timeout.
func WithRetention(d time.Duration) Option {
	return func(o *options) {
		if d < time.Millisecond {
			o.errs = append(o.errs, fmt.Errorf("WithRetention(%v): must be at least 1ms", d))
			return
		}
		o.retention = d
	}
}

// WithClaimTimeout sets how long a claim protects an event that is being
// handled: a duplicate that arrives meanwhile fails with [ErrInProgress]
// and is delivered again later. Choose it longer than the slowest handler
// runs: a claim that times out while its handler still runs lets a duplicate
// run the handler concurrently. After a crash, a redelivered event waits
// until its claim timed out. Default: [DefaultClaimTimeout]. It must be at
// least a millisecond.
func WithClaimTimeout(d time.Duration) Option {
	return func(o *options) {
		if d < time.Millisecond {
			o.errs = append(o.errs, fmt.Errorf("WithClaimTimeout(%v): must be at least 1ms", d))
			return
		}
		o.claimTimeout = d
	}
}

// WithClaimWait sets how long a delivery that finds the event claimed by
// another waits for that claim to end (the other delivery records the event
// or releases it, or the claim times out) before it fails with
// [ErrInProgress]; it looks again every 100ms, and stops early with the
// context's error when the handler's context ends. Default: 0, no wait.
// Under an events.FailureHandler, which counts ErrInProgress as a failed
// attempt, set it to the claim timeout: the redelivery of an event whose
// handler crashed then waits for the stale claim to time out instead of
// failing its attempts. It must not be negative.
func WithClaimWait(d time.Duration) Option {
	return func(o *options) {
		if d < 0 {
			o.errs = append(o.errs, fmt.Errorf("WithClaimWait(%v): must not be negative", d))
			return
		}
		o.claimWait = d
	}
}

// WithLogger sets the logger of an [Inbox]: debug records for skipped
// duplicates, warnings for claims that timed out while their handler ran,
// errors for records that could not be written. Records are logged with the
// message's context. Default (also for nil): slog.Default() when [New] is
// called.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

func buildOptions(opts []Option) (options, error) {
	o := options{retention: DefaultRetention, claimTimeout: DefaultClaimTimeout}
	for _, opt := range opts {
		if opt == nil {
			o.errs = append(o.errs, errors.New("nil Option"))
			continue
		}
		opt(&o)
	}
	if len(o.errs) == 0 && o.retention < o.claimTimeout {
		o.errs = append(o.errs, fmt.Errorf("retention %v is shorter than the claim timeout %v", o.retention, o.claimTimeout))
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	return o, invalid(o.errs)
}

// ApplierOption configures an [Applier] at construction. [NewApplier]
// checks every option and fails with an error wrapping [ErrInvalidOption]
// naming each invalid one.
type ApplierOption func(*applierOptions)

type applierOptions struct {
	keep     int
	attempts int
	errs     []error
}

// WithKeep sets how many event ids an [Applier] keeps in each document: the
// ids of the last n events applied to it. A redelivered event whose id is
// among them is skipped; one that n or more later events on the same
// document have pushed out is applied again. Default: [DefaultKeep]. It must
// be between 1 and [MaxKeep].
//
// Choose n above the number of events a document can receive between a
// delivery and its redelivery (after a crash, the events since the last
// commit of the consumer group; after a republish, those republished).
// Every id costs about 40 bytes in the document, read and written with
// every event: cheap on MongoDB, but FerretDB v1 (SQLite) slows down with
// the size of a document and the length of its arrays (measured on a busy
// machine: an update of a small document took 3ms, with 100 ids 40ms, with
// 400 ids 200ms).
func WithKeep(n int) ApplierOption {
	return func(o *applierOptions) {
		if n < 1 || n > MaxKeep {
			o.errs = append(o.errs, fmt.Errorf("WithKeep(%d): must be between 1 and %d", n, MaxKeep))
			return
		}
		o.keep = n
	}
}

// WithAttempts sets how many times [Applier.Apply] reads, applies and
// writes a document when its write conflicts with a concurrent one (another
// writer changed the document in between); it waits 1ms before the second
// try, doubling up to 100ms for later ones. Past the last it returns the
// conflict error. Default: [DefaultAttempts]. It must be at least 1.
func WithAttempts(n int) ApplierOption {
	return func(o *applierOptions) {
		if n < 1 {
			o.errs = append(o.errs, fmt.Errorf("WithAttempts(%d): must be at least 1", n))
			return
		}
		o.attempts = n
	}
}

func buildApplierOptions(opts []ApplierOption) (applierOptions, error) {
	o := applierOptions{keep: DefaultKeep, attempts: DefaultAttempts}
	for _, opt := range opts {
		if opt == nil {
			o.errs = append(o.errs, errors.New("nil ApplierOption"))
			continue
		}
		opt(&o)
	}
	return o, invalid(o.errs)
}

// invalid wraps every problem found in ErrInvalidOption, or returns nil.
func invalid(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInvalidOption, errors.Join(errs...))
}
