// Package migratetest is the conformance suite every provider of the
// migrate protocol runs: [Run] checks the rules package migrate documents
// (steps applied once and in order, version records, waiting for the lock,
// leases that expire and are taken over, refusals with typed errors)
// against a fresh version collection per subtest.
package migratetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
)

// NewDriver returns the driver of a fresh, empty version collection; it
// registers its cleanup with tb.
type NewDriver func(tb testing.TB) driver.Driver

// state is what the suite's steps change: how often each step ran, in which
// order, and whether two ran at once.
type state struct {
	mu      sync.Mutex
	log     []string
	running int
	overlap bool
}

func (s *state) enter(what string) func() {
	s.mu.Lock()
	s.log = append(s.log, what)
	s.running++
	if s.running > 1 {
		s.overlap = true
	}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.running--
		s.mu.Unlock()
	}
}

func (s *state) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// steps returns steps 2..n that log "up N" / "down N" into the state they
// receive; hold, when not nil, runs inside each Up.
func steps(n int, down bool, hold func(ctx context.Context, v int) error) []migrate.Step[*state] {
	var out []migrate.Step[*state]
	for v := 2; v <= n; v++ {
		s := migrate.Step[*state]{Version: v, Up: func(ctx context.Context, st *state) error {
			defer st.enter(fmt.Sprint("up ", v))()
			if hold != nil {
				return hold(ctx, v)
			}
			return nil
		}}
		if down {
			s.Down = func(ctx context.Context, st *state) error {
				defer st.enter(fmt.Sprint("down ", v))()
				return nil
			}
		}
		out = append(out, s)
	}
	return out
}

// Run runs the conformance suite.
func Run(t *testing.T, newDriver NewDriver) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, newDriver(t))
		})
	}
}

type tcase struct {
	name string
	run  func(t *testing.T, d driver.Driver)
}

var fast = []migrate.Option{migrate.WithPollInterval(20 * time.Millisecond)}

func open(t *testing.T, d driver.Driver, st *state, target int, s []migrate.Step[*state], opts ...migrate.Option) migrate.Migrator {
	t.Helper()
	m, err := migrate.New(d, st, target, s, append(fast, opts...)...)
	if err != nil {
		t.Fatalf("migrate.New(target %d): %v", target, err)
	}
	return m
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func wantLog(t *testing.T, st *state, want ...string) {
	t.Helper()
	got := st.got()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("steps ran %q, want %q", got, want)
	}
}

func wantVersion(t *testing.T, m migrate.Migrator, want int) {
	t.Helper()
	v, err := m.Version(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if v != want {
		t.Fatalf("database version %d, want %d", v, want)
	}
}

// wantHistory checks the records' versions and directions, oldest first,
// and that each completed after the one before with a non-negative
// duration.
func wantHistory(t *testing.T, m migrate.Migrator, want ...string) {
	t.Helper()
	checkHistory(t, m, true, want...)
}

// checkHistory is wantHistory; strict false allows records completed at
// the same time (written by another tool).
func checkHistory(t *testing.T, m migrate.Migrator, strict bool, want ...string) {
	t.Helper()
	h, err := m.History(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	var got []string
	for i, r := range h {
		dir := "up"
		if r.Backward {
			dir = "down"
		}
		got = append(got, fmt.Sprint(dir, " ", r.Version))
		if r.Duration < 0 || r.Completed.IsZero() {
			t.Errorf("record %d: duration %v, completed %v", i, r.Duration, r.Completed)
		}
		if i > 0 && strict && !r.Completed.After(h[i-1].Completed) {
			t.Errorf("record %d completed at %v, not after the record before (%v): the latest record must be the current version", i, r.Completed, h[i-1].Completed)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("history %q, want %q", got, want)
	}
}

func wantVersionError(t *testing.T, err, sentinel error, db, service int) {
	t.Helper()
	var ve *migrate.VersionError
	if !errors.Is(err, sentinel) || !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *migrate.VersionError matching %v", err, sentinel)
	}
	if ve.Database != db || ve.Service != service {
		t.Fatalf("VersionError names database %d and service %d, want %d and %d", ve.Database, ve.Service, db, service)
	}
}

// captured is a slog.Handler that keeps the records' levels and messages.
type captured struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (c *captured) Enabled(context.Context, slog.Level) bool { return true }
func (c *captured) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *captured) WithGroup(string) slog.Handler            { return c }
func (c *captured) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
	return nil
}

// count returns how many records of level hold word in their message.
func (c *captured) count(level slog.Level, word string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.recs {
		if r.Level == level && strings.Contains(r.Message, word) {
			n++
		}
	}
	return n
}
