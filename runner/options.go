package runner

import (
	"log/slog"
	"os"
	"syscall"
	"time"
)

// Option configures a Runner.
type Option func(*options)

type options struct {
	drain      time.Duration
	signals    []os.Signal
	healthAddr string
	logger     *slog.Logger
	checkWait  time.Duration
}

func defaultOptions() options {
	return options{
		drain:     30 * time.Second,
		signals:   []os.Signal{os.Interrupt, syscall.SIGTERM},
		logger:    slog.New(slog.DiscardHandler),
		checkWait: 5 * time.Second,
	}
}

// WithDrainTimeout bounds the drain after the stop. It needs d > 0.
// Default 30s.
func WithDrainTimeout(d time.Duration) Option { return func(o *options) { o.drain = d } }

// WithSignals sets the signals that start the graceful stop; none turns
// signal handling off. Default SIGINT and SIGTERM.
func WithSignals(sigs ...os.Signal) Option { return func(o *options) { o.signals = sigs } }

// WithHealthAddr serves [Runner.Handler] on addr (host:port) while Run
// runs; the listener opens when Run starts and a failure to open it fails
// Run before any component starts. Default: not served.
func WithHealthAddr(addr string) Option { return func(o *options) { o.healthAddr = addr } }

// WithLogger logs the start, the stop and each component's failure.
// Default: no logs.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCheckTimeout bounds each request of /readyz: a component or check
// that has not answered when d has passed counts as not ready (503 naming
// it), whether or not it heeds its context. It needs d > 0. Default 5s.
func WithCheckTimeout(d time.Duration) Option { return func(o *options) { o.checkWait = d } }
