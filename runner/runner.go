package runner

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"
)

// Component is anything the runner runs: Run works until ctx ends, then
// returns (nil after a graceful drain), or returns earlier with a failure.
type Component interface {
	Run(ctx context.Context) error
}

// Func adapts a function to a Component.
type Func func(ctx context.Context) error

// Run calls f.
func (f Func) Run(ctx context.Context) error { return f(ctx) }

// Readier is implemented by components that know when they are ready;
// [Runner.Handler]'s /readyz asks them.
type Readier interface {
	Ready(ctx context.Context) error
}

type named struct {
	name string
	c    Component
}

type check struct {
	name string
	f    func(context.Context) error
}

type state int

const (
	idle state = iota
	running
	draining
	stopped
)

// Runner runs components together; build it with [New].
type Runner struct {
	o options

	mu         sync.Mutex
	state      state
	components []named
	checks     []check
}

// New returns a Runner without components.
func New(opts ...Option) (*Runner, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case o.drain <= 0:
		return nil, fmt.Errorf("%w: the drain timeout must be positive, not %s", ErrInvalidOption, o.drain)
	case o.checkWait <= 0:
		return nil, fmt.Errorf("%w: the check timeout must be positive, not %s", ErrInvalidOption, o.checkWait)
	case o.logger == nil:
		return nil, fmt.Errorf("%w: nil logger", ErrInvalidOption)
	}
	return &Runner{o: o}, nil
}

// Add adds a component under name (used in errors, logs and readiness
// reasons). A component that is also a [Readier] counts for readiness.
// It fails with ErrRunning once Run started.
func (r *Runner) Add(name string, c Component) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != idle {
		return ErrRunning
	}
	r.components = append(r.components, named{name, c})
	return nil
}

// AddCheck adds a readiness check, such as a store's ping: /readyz
// answers 200 only while it returns nil. It fails with ErrRunning once
// Run started.
func (r *Runner) AddCheck(name string, f func(ctx context.Context) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state != idle {
		return ErrRunning
	}
	r.checks = append(r.checks, check{name, f})
	return nil
}

type result struct {
	name string
	err  error
}

// Run runs the components until the stop and the drain (see the package
// documentation) and returns their failures. It may be called once.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.state != idle {
		r.mu.Unlock()
		return ErrRunning
	}
	r.state = running
	comps := slices.Clone(r.components)
	r.mu.Unlock()
	defer r.setState(stopped)

	stopCtx := ctx
	if len(r.o.signals) > 0 {
		var stopSignals context.CancelFunc
		stopCtx, stopSignals = signal.NotifyContext(ctx, r.o.signals...)
		defer stopSignals()
	}
	if r.o.healthAddr != "" {
		shutdown, err := r.serveHealth(ctx)
		if err != nil {
			return err
		}
		defer shutdown()
	}

	compCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	results := make(chan result, len(comps))
	for _, c := range comps {
		go func() {
			err := c.c.Run(compCtx)
			results <- result{c.name, err}
		}()
	}
	r.o.logger.InfoContext(ctx, "runner: started", "components", len(comps))

	var errs []error
	left := map[string]int{}
	for _, c := range comps {
		left[c.name]++
	}
	done := func(res result) {
		left[res.name]--
		if left[res.name] == 0 {
			delete(left, res.name)
		}
		if res.err == nil || (compCtx.Err() != nil && errors.Is(res.err, context.Canceled)) {
			return
		}
		r.o.logger.ErrorContext(ctx, "runner: component failed", "component", res.name, "error", res.err)
		errs = append(errs, fmt.Errorf("runner: %s: %w", res.name, res.err))
	}
	// Without components nothing can return: Run waits for the signal or
	// the end of its context, like a runner whose components all run.
	select {
	case <-stopCtx.Done():
		r.o.logger.InfoContext(ctx, "runner: stopping")
	case res := <-results:
		done(res)
		r.o.logger.InfoContext(ctx, "runner: a component returned; stopping the others", "component", res.name)
	}
	r.setState(draining)
	cancel()
	timer := time.NewTimer(r.o.drain)
	defer timer.Stop()
	for len(left) > 0 {
		select {
		case res := <-results:
			done(res)
		case <-timer.C:
			names := make([]string, 0, len(left))
			for n := range left {
				names = append(names, n)
			}
			slices.Sort(names)
			errs = append(errs, fmt.Errorf("%w: %s still running after %s", ErrDrainTimeout, strings.Join(names, ", "), r.o.drain))
			return errors.Join(errs...)
		}
	}
	r.o.logger.InfoContext(ctx, "runner: stopped")
	return errors.Join(errs...)
}

func (r *Runner) setState(s state) {
	r.mu.Lock()
	r.state = s
	r.mu.Unlock()
}

// serveHealth serves Handler on the health address until the returned
// function is called.
func (r *Runner) serveHealth(ctx context.Context) (func(), error) {
	ln, err := net.Listen("tcp", r.o.healthAddr)
	if err != nil {
		return nil, fmt.Errorf("runner: health endpoints on %s: %w", r.o.healthAddr, err)
	}
	srv := &http.Server{Handler: r.Handler(), ReadHeaderTimeout: 5 * time.Second,
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	served := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(served) }()
	r.o.logger.InfoContext(ctx, "runner: health endpoints", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		<-served
	}, nil
}

// Ready returns nil when Run runs (not draining) and every Readier
// component and every check returns nil before ctx ends; else an error
// listing each reason. It asks them all at once, each in its own
// goroutine, and does not wait past the end of ctx: one that has not
// answered by then counts as not ready, with a reason naming it and
// wrapping ctx's error, and is left to return in the background.
func (r *Runner) Ready(ctx context.Context) error {
	r.mu.Lock()
	st := r.state
	comps, checks := r.components, r.checks
	r.mu.Unlock()
	switch st {
	case idle:
		return errors.New("runner: not running yet")
	case draining, stopped:
		return errors.New("runner: stopping")
	}
	asks := make([]check, 0, len(comps)+len(checks))
	for _, c := range comps {
		if rd, ok := c.c.(Readier); ok {
			asks = append(asks, check{c.name, rd.Ready})
		}
	}
	asks = append(asks, checks...)
	answers := make([]chan error, len(asks))
	for i, a := range asks {
		answers[i] = make(chan error, 1) // a late answer does not block
		go func() { answers[i] <- a.f(ctx) }()
	}
	var errs []error
	for i, a := range asks {
		var err error
		select {
		case err = <-answers[i]:
		case <-ctx.Done():
			select {
			case err = <-answers[i]:
			default:
				err = fmt.Errorf("no answer: %w", ctx.Err())
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.name, err))
		}
	}
	return errors.Join(errs...)
}

// Live returns nil while Run runs, draining included.
func (r *Runner) Live() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state == running || r.state == draining {
		return nil
	}
	return errors.New("runner: not running")
}

// Handler serves GET /livez ([Runner.Live]) and GET /readyz
// ([Runner.Ready]): 200 "ok", or 503 with the reasons.
func (r *Runner) Handler() http.Handler {
	mux := http.NewServeMux()
	answer := func(w http.ResponseWriter, err error) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, err)
			return
		}
		fmt.Fprintln(w, "ok")
	}
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { answer(w, r.Live()) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), r.o.checkWait)
		defer cancel()
		answer(w, r.Ready(ctx))
	})
	return mux
}

// HTTPServer returns a Component that serves srv on ln until its context
// ends, then shuts it down gracefully (within the runner's drain): a
// failure of Serve is the component's failure.
func HTTPServer(srv *http.Server, ln net.Listener) Component {
	return Func(func(ctx context.Context) error {
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}
		if err := srv.Shutdown(context.WithoutCancel(ctx)); err != nil {
			return err
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
}
