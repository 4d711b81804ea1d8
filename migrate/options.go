package migrate

import (
	"fmt"
	"log/slog"
	"time"
)

// Default option values.
const (
	DefaultLease        = 30 * time.Second
	DefaultPollInterval = time.Second
)

// Option configures a Migrator.
type Option func(*options) error

type options struct {
	lease time.Duration
	poll  time.Duration
	log   *slog.Logger
}

func newOptions(opts []Option) (options, error) {
	o := options{lease: DefaultLease, poll: DefaultPollInterval}
	for _, f := range opts {
		if f == nil {
			continue
		}
		if err := f(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

// WithLease sets how long the lock stays the migrator's without renewal:
// a running migrator renews it every d/4 and gives up (ErrLockLost) when it
// could not renew for 4/5 of d; a migrator that died holds it at most d
// longer. Default [DefaultLease] (30s). d must be at least 20ms.
func WithLease(d time.Duration) Option {
	return func(o *options) error {
		if d < 20*time.Millisecond {
			return fmt.Errorf("%w: WithLease(%v) is below 20ms", ErrInvalidOption, d)
		}
		o.lease = d
		return nil
	}
}

// WithPollInterval sets how often a migrator waiting for another one's
// lock looks at the database again. Default [DefaultPollInterval] (1s).
// d must be positive.
func WithPollInterval(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithPollInterval(%v) must be positive", ErrInvalidOption, d)
		}
		o.poll = d
		return nil
	}
}

// WithLogger logs what the migrator does (lock taken or waited for, each
// version reached) at Info level, and a takeover of an expired lease at
// Warn level. Default: no logging.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		o.log = l
		return nil
	}
}
