package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox/driver"
)

// Defaults of a [Relay].
const (
	DefaultPollInterval = 500 * time.Millisecond
	DefaultLeaseTTL     = 10 * time.Second
	DefaultBatchSize    = 500
	DefaultLeaseName    = "outbox"
	// DefaultMaxMessageSize is the default of [WithMaxMessageSize]: 1 MiB,
	// the default of kafka.Config.MaxMessageSize and of memevents.
	DefaultMaxMessageSize = 1 << 20
)

// Relay publishes the pending changes of outbox DAOs and the pending events
// of persistent publishers: the changes whose publication was interrupted
// (a crash between the write and the publication, a broker that was down)
// as well as every new one. Build one per service instance with a
// provider's constructor (mongo.NewRelay, memoutbox.NewRelay), build the
// DAOs and publishers on it, and run [Relay.Run] for the life of the
// service.
//
// # One relay publishes at a time
//
// The relays of all instances of a service share a lease (named by
// [WithLeaseName], stored by the provider). Only the relay holding it
// publishes; the others stand by and take over within about one lease TTL
// after the holder stops or dies. One publisher at a time, sending each
// batch in order, keeps the events of one document (one key) in the order
// of its writes. The holder stops publishing before its lease runs out: a
// batch is sent with a deadline one fifth of the TTL before the lease's
// end, so order holds as long as the instances' clocks differ by less
// than that.
//
// # Delay
//
// A write wakes the relay of its own instance at once: when it holds the
// lease, the change is published within the time of one batch (a query,
// one send, one update). A change written on another instance is found by
// polling, every [WithPollInterval] (DefaultPollInterval, 500ms): expect a
// delay of up to the poll interval plus one batch. A standby relay is not
// woken by writes: it asks for the lease once per poll interval. A change whose
// publication failed is retried at the next poll; one the broker refuses
// for good (events.ErrMessageTooLarge, events.ErrInvalidMessage) is too,
// and makes each pass report an error, but the changes and batches after
// it are published all the same. On MongoDB a poll is one
// query per collection on an index of the publication state, whatever the
// collection's size; FerretDB v1 reads the whole collection for it (see
// package mongo), so raise the poll interval for large collections there.
type Relay struct {
	sender  events.Sender
	lease   driver.Lease
	owner   string
	o       relayOptions
	wake    chan struct{}
	done    chan struct{} // closed when Run returns
	running chan struct{} // closed when Run starts

	mu      sync.Mutex // guards sources
	sources []source

	pubMu     sync.Mutex // one publication pass at a time; guards holdUntil and stopped
	holdUntil time.Time  // when the lease held by this relay ends (zero: not held)
	stopped   bool       // Run has given up the lease for good
	runOnce   sync.Once
}

// source is an outbox collection or event store the relay publishes from.
type source interface {
	// pass publishes the pending changes batch after batch, each sent
	// with the deadline of [Relay.sendDeadline]; a closed stop ends the
	// pass after the batch in flight. It returns how many it published.
	pass(ctx context.Context, r *Relay, stop <-chan struct{}) (int, error)
	describe() string
}

// RelayOption configures a [Relay].
type RelayOption func(*relayOptions)

type relayOptions struct {
	name    string
	poll    time.Duration
	ttl     time.Duration
	batch   int
	maxSize int
	logger  *slog.Logger
	onError func(ctx context.Context, err error)
	errs    []error
}

// WithLeaseName names the lease that the relays of one service share
// (DefaultLeaseName when not given). Relays that publish the same
// collections must use the same name; relays of different services that
// store their leases in one database need different names.
func WithLeaseName(name string) RelayOption {
	return func(o *relayOptions) {
		if name == "" {
			o.errs = append(o.errs, fmt.Errorf("%w: WithLeaseName: empty name", ErrInvalidOption))
		}
		o.name = name
	}
}

// WithPollInterval sets how often the relay looks for pending changes
// written elsewhere, and how often a standby relay tries to take the lease
// (DefaultPollInterval; from 10ms to 1 minute).
func WithPollInterval(d time.Duration) RelayOption {
	return func(o *relayOptions) {
		if d < 10*time.Millisecond || d > time.Minute {
			o.errs = append(o.errs, fmt.Errorf("%w: WithPollInterval(%v): want 10ms..1m", ErrInvalidOption, d))
		}
		o.poll = d
	}
}

// WithLeaseTTL sets how long a lease lasts without renewal
// (DefaultLeaseTTL; from 1s to 10 minutes). The holder renews it every
// third of the TTL; a standby relay takes over at most one TTL after the
// holder died.
func WithLeaseTTL(d time.Duration) RelayOption {
	return func(o *relayOptions) {
		if d < time.Second || d > 10*time.Minute {
			o.errs = append(o.errs, fmt.Errorf("%w: WithLeaseTTL(%v): want 1s..10m", ErrInvalidOption, d))
		}
		o.ttl = d
	}
}

// WithBatchSize sets how many changes the relay reads and sends at once
// (DefaultBatchSize; from 1 to 10000).
func WithBatchSize(n int) RelayOption {
	return func(o *relayOptions) {
		if n < 1 || n > 10000 {
			o.errs = append(o.errs, fmt.Errorf("%w: WithBatchSize(%d): want 1..10000", ErrInvalidOption, n))
		}
		o.batch = n
	}
}

// WithMaxMessageSize sets the size limit of the relay's broker, counted as
// events/driver.RecordSize counts a message (as Kafka's producer and
// memevents do), so that no write stores an event the relay could never
// send: a persistent publisher refuses a larger event, and an outbox DAO a
// write whose event would be larger, with an error wrapping
// events.ErrMessageTooLarge. Set it to the limit of the relay's sender
// (kafka.Config.MaxMessageSize, memevents.WithMaxMessageSize).
// Default: [DefaultMaxMessageSize]; it needs n >= 512.
func WithMaxMessageSize(n int) RelayOption {
	return func(o *relayOptions) {
		if n < 512 {
			o.errs = append(o.errs, fmt.Errorf("%w: WithMaxMessageSize(%d): want at least 512", ErrInvalidOption, n))
		}
		o.maxSize = n
	}
}

// WithRelayLogger sets the logger of the relay's warnings and errors
// (slog.Default when not given).
func WithRelayLogger(l *slog.Logger) RelayOption {
	return func(o *relayOptions) {
		if l == nil {
			o.errs = append(o.errs, fmt.Errorf("%w: WithRelayLogger: nil logger", ErrInvalidOption))
		}
		o.logger = l
	}
}

// WithRelayErrorHook calls f with every error of a background publication
// pass (besides logging it); the pass is retried at the next poll. f must
// not block.
func WithRelayErrorHook(f func(ctx context.Context, err error)) RelayOption {
	return func(o *relayOptions) { o.onError = f }
}

// NewRelay returns a relay that publishes through sender and shares the
// lease with the relays of the other instances. It is for providers;
// services call a provider's constructor (mongo.NewRelay,
// memoutbox.NewRelay). It fails with an error wrapping [ErrInvalidOption]
// for a nil sender or lease or an invalid option.
func NewRelay(sender events.Sender, lease driver.Lease, opts ...RelayOption) (*Relay, error) {
	if sender == nil || lease == nil {
		return nil, fmt.Errorf("%w: NewRelay: nil sender or lease", ErrInvalidOption)
	}
	o := relayOptions{name: DefaultLeaseName, poll: DefaultPollInterval, ttl: DefaultLeaseTTL, batch: DefaultBatchSize, maxSize: DefaultMaxMessageSize}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(o.errs) > 0 {
		return nil, errors.Join(o.errs...)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	return &Relay{
		sender:  sender,
		lease:   lease,
		owner:   events.NewEventID(),
		o:       o,
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		running: make(chan struct{}),
	}, nil
}

// open fails with ErrClosed once Run has returned.
func (r *Relay) open() error {
	select {
	case <-r.done:
		return fmt.Errorf("%w: the relay's Run has returned", ErrClosed)
	default:
		return nil
	}
}

// add registers a source.
func (r *Relay) add(s source) error {
	if err := r.open(); err != nil {
		return err
	}
	r.mu.Lock()
	r.sources = append(r.sources, s)
	r.mu.Unlock()
	r.notify()
	return nil
}

// notify wakes Run after a write.
func (r *Relay) notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run publishes until ctx ends, then finishes the batch it is sending,
// gives up the lease and returns nil. Errors of a publication pass are
// logged (and given to the error hook) and the pass is retried at the next
// poll; Run only returns early, with an error wrapping [ErrInvalidOption],
// when called a second time.
func (r *Relay) Run(ctx context.Context) error {
	first := false
	r.runOnce.Do(func() { first = true })
	if !first {
		return fmt.Errorf("%w: Relay.Run called twice", ErrInvalidOption)
	}
	close(r.running)
	defer close(r.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	standby := false // another relay held the lease at the last pass
	for {
		wake := r.wake
		if standby {
			// The holder finds this instance's writes by polling; asking
			// for the lease at every write would cost the lease store a
			// request per write.
			wake = nil
		}
		select {
		case <-ctx.Done():
			r.release()
			return nil
		case <-wake:
		case <-timer.C:
		}
		// A batch in flight is not cut short by ctx: the pass stops after
		// it, and the changes it sent are marked.
		_, err := r.publish(context.WithoutCancel(ctx), nil, ctx.Done(), nil)
		standby = errors.Is(err, ErrLeaseHeld)
		if err != nil && !standby {
			r.o.logger.ErrorContext(ctx, "outbox: publication failed; retrying at the next poll", "error", err)
			if r.o.onError != nil {
				r.o.onError(ctx, err)
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(r.o.poll)
	}
}

// PublishPending publishes every pending change of every DAO and publisher
// built on this relay now, and returns how many it published. When another
// relay holds the lease it publishes nothing and returns [ErrLeaseHeld]:
// that relay publishes them. Once Run has returned (and given up the
// lease) it fails with [ErrClosed]; the relays of other instances publish
// what is still pending.
func (r *Relay) PublishPending(ctx context.Context) (int, error) {
	return r.publish(ctx, nil, nil, nil)
}

// publish runs one pass over src (every source when nil) while holding the
// lease; a closed stop ends it after the batch in flight. mark, when not
// nil, runs first under the same lock (Republish marks everything pending
// with it), so that this pass, not a background one, publishes and counts
// what mark made pending.
func (r *Relay) publish(ctx context.Context, src source, stop <-chan struct{}, mark func(context.Context) error) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	r.pubMu.Lock()
	defer r.pubMu.Unlock()
	if r.stopped {
		// Taking the lease again would keep the other instances' relays
		// waiting for it to expire: nobody would release it.
		return 0, fmt.Errorf("%w: the relay's Run has returned", ErrClosed)
	}
	if mark != nil {
		if err := mark(ctx); err != nil {
			return 0, err
		}
	}
	if err := r.hold(ctx); err != nil {
		return 0, err
	}
	sources := []source{src}
	if src == nil {
		r.mu.Lock()
		sources = append([]source(nil), r.sources...)
		r.mu.Unlock()
	}
	total := 0
	var errs []error
	for _, s := range sources {
		if stopped(stop) {
			break
		}
		n, err := s.pass(ctx, r, stop)
		total += n
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return total, ctx.Err()
			}
			errs = append(errs, fmt.Errorf("outbox: publishing %s: %w", s.describe(), err))
		}
	}
	return total, errors.Join(errs...)
}

// stopped reports whether stop is closed (never for nil).
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// sendDeadline renews the lease when needed, before each batch, so that a
// long pass keeps it, and returns the deadline of the batch's send: a fifth
// of the TTL before the lease ends. Callers hold pubMu.
func (r *Relay) sendDeadline(ctx context.Context) (time.Time, error) {
	if err := r.hold(ctx); err != nil {
		return time.Time{}, err
	}
	return r.holdUntil.Add(-r.o.ttl / 5), nil
}

// hold makes sure this relay holds the lease for at least two thirds of its
// TTL, renewing it when needed. Callers hold pubMu.
func (r *Relay) hold(ctx context.Context) error {
	now := time.Now()
	if now.Before(r.holdUntil.Add(-2 * r.o.ttl / 3)) {
		return nil
	}
	ok, err := r.lease.Acquire(ctx, r.o.name, r.owner, r.o.ttl)
	if err != nil {
		return fmt.Errorf("outbox: taking the relay lease %q: %w", r.o.name, err)
	}
	if !ok {
		r.holdUntil = time.Time{}
		return fmt.Errorf("%w: lease %q", ErrLeaseHeld, r.o.name)
	}
	r.holdUntil = now.Add(r.o.ttl)
	return nil
}

// release gives up the lease at shutdown.
func (r *Relay) release() {
	r.pubMu.Lock()
	defer r.pubMu.Unlock()
	r.stopped = true
	if r.holdUntil.IsZero() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.lease.Release(ctx, r.o.name, r.owner); err != nil {
		r.o.logger.WarnContext(ctx, "outbox: releasing the relay lease failed; another relay takes over when it expires", "lease", r.o.name, "error", err)
	}
	r.holdUntil = time.Time{}
}

// send sends msgs with the pass's deadline and returns, for each message,
// the error of its send (nil when it was sent), plus the first error.
func (r *Relay) send(ctx context.Context, deadline time.Time, msgs []*events.Message) ([]error, error) {
	errs := make([]error, len(msgs))
	if len(msgs) == 0 {
		return errs, nil
	}
	sctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	err := r.sender.Send(sctx, msgs...)
	if err == nil {
		return errs, nil
	}
	var be *events.BatchError
	if errors.As(err, &be) {
		var first error
		for i, e := range be.Errs {
			errs[i] = e
			if e != nil && first == nil {
				first = e
			}
		}
		return errs, first
	}
	for i := range errs {
		errs[i] = err
	}
	return errs, err
}

// refusedForGood reports whether the broker refused a message for a reason
// that sending it again cannot change: it is too large or invalid. Such a
// message stays pending, but holds back neither the later messages of its
// key nor the batches after its own.
func refusedForGood(err error) bool {
	return errors.Is(err, events.ErrMessageTooLarge) || errors.Is(err, events.ErrInvalidMessage)
}

// onlyRefusedForGood reports whether every error of errs is nil or
// refusedForGood: the pass may go on to the next batch.
func onlyRefusedForGood(errs []error) bool {
	for _, err := range errs {
		if err != nil && !refusedForGood(err) {
			return false
		}
	}
	return true
}
