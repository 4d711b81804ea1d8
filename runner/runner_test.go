package runner_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/runner"
)

func newRunner(t *testing.T, opts ...runner.Option) *runner.Runner {
	t.Helper()
	r, err := runner.New(append([]runner.Option{runner.WithSignals()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// blocker runs until its context ends, then takes drain to return.
type blocker struct {
	drain   time.Duration
	stopped atomic.Bool
}

func (b *blocker) Run(ctx context.Context) error {
	<-ctx.Done()
	time.Sleep(b.drain)
	b.stopped.Store(true)
	return nil
}

func runAsync(r *runner.Runner, ctx context.Context) chan error {
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return done
}

func wait(t *testing.T, done chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30s")
		return nil
	}
}

func TestFailingComponentStopsTheRest(t *testing.T) {
	r := newRunner(t)
	a, b := &blocker{}, &blocker{drain: 20 * time.Millisecond}
	boom := errors.New("boom")
	_ = r.Add("a", a)
	_ = r.Add("b", b)
	_ = r.Add("failing", runner.Func(func(context.Context) error { time.Sleep(10 * time.Millisecond); return boom }))
	err := r.Run(context.Background())
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "failing") {
		t.Errorf("Run = %v, want the failure naming its component", err)
	}
	if !a.stopped.Load() || !b.stopped.Load() {
		t.Error("Run returned before the other components drained")
	}
}

func TestDrainOnCancel(t *testing.T) {
	r := newRunner(t)
	a := &blocker{drain: 50 * time.Millisecond}
	_ = r.Add("a", a)
	// A component that answers the stop with context.Canceled is no failure.
	_ = r.Add("ctx", runner.Func(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }))
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(r, ctx)
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := wait(t, done); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if !a.stopped.Load() {
		t.Error("Run returned before the drain ended")
	}
	if err := r.Run(context.Background()); !errors.Is(err, runner.ErrRunning) {
		t.Errorf("second Run = %v, want ErrRunning", err)
	}
}

func TestDrainOnSIGTERM(t *testing.T) {
	r, err := runner.New(runner.WithSignals(syscall.SIGTERM))
	if err != nil {
		t.Fatal(err)
	}
	a := &blocker{drain: 20 * time.Millisecond}
	started := make(chan struct{})
	_ = r.Add("a", a)
	_ = r.Add("started", runner.Func(func(ctx context.Context) error { close(started); <-ctx.Done(); return nil }))
	done := runAsync(r, context.Background())
	<-started
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Errorf("Run after SIGTERM = %v, want nil", err)
	}
	if !a.stopped.Load() {
		t.Error("Run returned before the drain ended")
	}
}

func TestDrainTimeout(t *testing.T) {
	r := newRunner(t, runner.WithDrainTimeout(50*time.Millisecond))
	release := make(chan struct{})
	defer close(release)
	_ = r.Add("stuck", runner.Func(func(context.Context) error { <-release; return nil }))
	_ = r.Add("done", runner.Func(func(context.Context) error { return nil }))
	err := r.Run(context.Background())
	if !errors.Is(err, runner.ErrDrainTimeout) || !strings.Contains(err.Error(), "stuck") {
		t.Errorf("Run = %v, want ErrDrainTimeout naming stuck", err)
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []runner.Option{runner.WithDrainTimeout(0), runner.WithCheckTimeout(-1), runner.WithLogger(nil)} {
		if _, err := runner.New(o); !errors.Is(err, runner.ErrInvalidOption) {
			t.Errorf("New = %v, want ErrInvalidOption", err)
		}
	}
}

// gated is a component that is ready once its gate is open.
type gated struct {
	blocker
	open atomic.Bool
}

func (g *gated) Ready(context.Context) error {
	if !g.open.Load() {
		return errors.New("not joined yet")
	}
	return nil
}

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestReadiness(t *testing.T) {
	r := newRunner(t)
	g := &gated{}
	storeUp := atomic.Bool{}
	_ = r.Add("subscriber", g)
	_ = r.AddCheck("store", func(context.Context) error {
		if !storeUp.Load() {
			return errors.New("no answer")
		}
		return nil
	})
	h := r.Handler()
	if code, _ := get(t, h, "/readyz"); code != 503 {
		t.Errorf("/readyz before Run = %d", code)
	}
	if code, _ := get(t, h, "/livez"); code != 503 {
		t.Errorf("/livez before Run = %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(r, ctx)
	deadline := time.Now().Add(10 * time.Second)
	for r.Live() != nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if code, _ := get(t, h, "/livez"); code != 200 {
		t.Errorf("/livez while running = %d", code)
	}
	code, body := get(t, h, "/readyz")
	if code != 503 || !strings.Contains(body, "subscriber: not joined yet") || !strings.Contains(body, "store: no answer") {
		t.Errorf("/readyz before the join = %d %q", code, body)
	}
	g.open.Store(true)
	if code, body := get(t, h, "/readyz"); code != 503 || strings.Contains(body, "subscriber") {
		t.Errorf("/readyz with the store down = %d %q", code, body)
	}
	storeUp.Store(true)
	if code, body := get(t, h, "/readyz"); code != 200 || body != "ok\n" {
		t.Errorf("/readyz when ready = %d %q", code, body)
	}
	cancel()
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, h, "/readyz"); code != 503 {
		t.Errorf("/readyz after Run = %d", code)
	}
}

func TestHealthAddrAndHTTPServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	healthAddr := probe.Addr().String()
	probe.Close()
	r := newRunner(t, runner.WithHealthAddr(healthAddr))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hi") })}
	_ = r.Add("http", runner.HTTPServer(srv, ln))
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(r, ctx)
	fetch := func(url string) (int, string) {
		var resp *http.Response
		var err error
		for range 200 {
			if resp, err = http.Get(url); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := fetch("http://" + ln.Addr().String()); code != 200 || body != "hi" {
		t.Errorf("server = %d %q", code, body)
	}
	if code, _ := fetch("http://" + healthAddr + "/readyz"); code != 200 {
		t.Errorf("/readyz = %d", code)
	}
	cancel()
	if err := wait(t, done); err != nil {
		t.Errorf("Run = %v", err)
	}
	if _, err := http.Get("http://" + healthAddr + "/livez"); err == nil {
		t.Error("the health endpoints still answer after Run")
	}
}

func TestConfig(t *testing.T) {
	if opts := (runner.Config{}).Options(); len(opts) != 0 {
		t.Errorf("the zero Config sets %d options", len(opts))
	}
	if err := (runner.Config{DrainTimeout: -1}).Validate(); err == nil {
		t.Error("a negative drain timeout was accepted")
	}
	r, err := runner.New(append((runner.Config{DrainTimeout: 10 * time.Millisecond}).Options(), runner.WithSignals())...)
	if err != nil {
		t.Fatal(err)
	}
	_ = r.Add("stuck", runner.Func(func(context.Context) error { time.Sleep(time.Second); return nil }))
	_ = r.Add("done", runner.Func(func(context.Context) error { return nil }))
	start := time.Now()
	if err := r.Run(context.Background()); !errors.Is(err, runner.ErrDrainTimeout) || time.Since(start) > 500*time.Millisecond {
		t.Errorf("Run = %v after %s, want ErrDrainTimeout after the configured 10ms", err, time.Since(start))
	}
}

// During the drain the service is alive but no longer ready; after Run
// returned it is neither.
func TestHealthDuringDrain(t *testing.T) {
	r := newRunner(t)
	draining, release := make(chan struct{}), make(chan struct{})
	_ = r.Add("slow", runner.Func(func(ctx context.Context) error {
		<-ctx.Done()
		close(draining)
		<-release
		return nil
	}))
	h := r.Handler()
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(r, ctx)
	cancel()
	<-draining
	if code, _ := get(t, h, "/livez"); code != 200 {
		t.Errorf("/livez during the drain = %d, want 200", code)
	}
	if code, _ := get(t, h, "/readyz"); code != 503 {
		t.Errorf("/readyz during the drain = %d, want 503", code)
	}
	close(release)
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(t, h, "/livez"); code != 503 {
		t.Errorf("/livez after Run = %d, want 503", code)
	}
}

// A runner without components runs until its context ends, like one
// whose components all keep running.
func TestNoComponentsWaitsForTheStop(t *testing.T) {
	r := newRunner(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(r, ctx)
	select {
	case err := <-done:
		t.Fatalf("Run without components returned %v before the stop", err)
	case <-time.After(50 * time.Millisecond):
	}
	if r.Live() != nil {
		t.Error("Live while running without components is not nil")
	}
	cancel()
	if err := wait(t, done); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
}

// A check that ignores its context and answers late counts as not ready
// when the check timeout passes: /readyz answers 503 naming it then, and
// Ready does not wait past its context.
func TestCheckTimeoutBoundsSlowChecks(t *testing.T) {
	r := newRunner(t, runner.WithCheckTimeout(100*time.Millisecond))
	release := make(chan struct{})
	defer close(release)
	_ = r.AddCheck("fast", func(context.Context) error { return nil })
	_ = r.AddCheck("slow", func(context.Context) error {
		select {
		case <-release:
		case <-time.After(3 * time.Second):
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := runAsync(r, ctx)
	defer func() { cancel(); wait(t, done) }()
	for r.Live() != nil {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	code, body := get(t, r.Handler(), "/readyz")
	if took := time.Since(start); code != 503 || !strings.Contains(body, "slow: no answer: context deadline exceeded") ||
		strings.Contains(body, "fast") || took > 2*time.Second {
		t.Errorf("/readyz with a check that does not answer = %d %q after %v, want 503 naming only it after 100ms", code, body, took)
	}
	rctx, rcancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer rcancel()
	start = time.Now()
	if err := r.Ready(rctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("Ready(ctx of 100ms) = %v after %v, want context.DeadlineExceeded after 100ms", err, time.Since(start))
	}
}
