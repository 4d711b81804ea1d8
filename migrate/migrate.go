package migrate

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/hexkit-go/hexkit/internal/collname"
	"github.com/hexkit-go/hexkit/migrate/driver"
)

// Step is the migration that brings the database from version Version-1
// to Version (Up) and, optionally, back (Down). H is what a step changes
// data through: a *mongo.Database for the MongoDB provider, whatever the
// caller chose for the in-memory one.
type Step[H any] struct {
	// Version is the version the database has after Up; 2 or more
	// (version 1 is reserved: it marks that versioning began).
	Version int
	// Up applies the step. Required.
	Up func(ctx context.Context, h H) error
	// Down undoes Up, bringing the database back to Version-1. Optional:
	// without it the database cannot go below Version.
	Down func(ctx context.Context, h H) error
}

// Record is one entry of a database's version history: the database
// reached Version at Completed, by a step forward or Backward (or, for
// version 1, by starting versioning), and the work took Duration. Both
// have millisecond precision, as MongoDB stores them; Completed is UTC.
type Record struct {
	Version   int
	Completed time.Time
	Backward  bool
	Duration  time.Duration
}

// Migrator brings one database to the version a service expects. It is
// safe for concurrent use, also by several processes sharing the
// database.
type Migrator interface {
	// Migrate brings the database to the target version and returns nil
	// when it is there: at once when it already is, after running the
	// steps under the lock when this migrator gets the lock, after waiting
	// for the lock's holder otherwise (bounded by ctx). A database above
	// the target goes down through the steps' Down functions; when one
	// is missing Migrate returns a *VersionError matching
	// ErrDatabaseNewer and changes nothing.
	Migrate(ctx context.Context) error
	// Check changes nothing and returns nil when the database is at the
	// target version, else a *VersionError matching ErrDatabaseNewer or
	// ErrDatabaseOlder: for a service instance that must not migrate.
	Check(ctx context.Context) error
	// Version returns the database's current version, 0 if versioning
	// never started.
	Version(ctx context.Context) (int, error)
	// History returns the version records, oldest first.
	History(ctx context.Context) ([]Record, error)
}

// New returns a Migrator over the version collection d for the target
// version with the given steps; h is passed to every step. Invalid steps
// or target wrap ErrInvalidPlan; invalid options and a nil driver wrap
// ErrInvalidOption.
//
// For providers; services call a provider's constructor.
func New[H any](d driver.Driver, h H, target int, steps []Step[H], opts ...Option) (Migrator, error) {
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fmt.Errorf("%w: nil driver", ErrInvalidOption)
	}
	if target < 1 {
		return nil, fmt.Errorf("%w: target version %d is below 1", ErrInvalidPlan, target)
	}
	byVersion := make(map[int]Step[H], len(steps))
	for _, s := range steps {
		switch {
		case s.Version < 2:
			return nil, fmt.Errorf("%w: step version %d is below 2 (version 1 is reserved)", ErrInvalidPlan, s.Version)
		case s.Up == nil:
			return nil, fmt.Errorf("%w: step %d has no Up", ErrInvalidPlan, s.Version)
		}
		if _, dup := byVersion[s.Version]; dup {
			return nil, fmt.Errorf("%w: two steps for version %d", ErrInvalidPlan, s.Version)
		}
		byVersion[s.Version] = s
	}
	for v := 2; v <= target; v++ {
		if _, ok := byVersion[v]; !ok {
			return nil, fmt.Errorf("%w: no step for version %d (target %d)", ErrInvalidPlan, v, target)
		}
	}
	return &migrator[H]{d: d, h: h, target: target, steps: byVersion, opts: o}, nil
}

// ValidateCollection checks a version collection name for a provider's
// constructor: an error wrapping ErrInvalidCollection, or nil.
func ValidateCollection(name string) error {
	if len(name) > 120 {
		return fmt.Errorf("%w: %q is longer than 120 bytes", ErrInvalidCollection, name)
	}
	if err := collname.Check(name); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidCollection, err)
	}
	return nil
}

type migrator[H any] struct {
	d      driver.Driver
	h      H
	target int
	steps  map[int]Step[H]
	opts   options
}

// current returns the database's version from its records: the version of
// the latest record, the higher version first among records completed at
// the same time (the rule Python hexkit applies to the same collection).
func current(recs []driver.Record) (version int, last time.Time) {
	for _, r := range recs {
		if r.Completed.After(last) || (r.Completed.Equal(last) && r.Version > version) {
			version, last = r.Version, r.Completed
		}
	}
	return version, last
}

// records returns the driver's records after checking that each has a
// version of at least 1, the rule of every provider.
func (m *migrator[H]) records(ctx context.Context) ([]driver.Record, error) {
	recs, err := m.d.Records(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.Version < 1 {
			return nil, fmt.Errorf("%w: a version record with version %d", ErrCorrupt, r.Version)
		}
	}
	return recs, nil
}

func (m *migrator[H]) Version(ctx context.Context) (int, error) {
	recs, err := m.records(ctx)
	if err != nil {
		return 0, err
	}
	v, _ := current(recs)
	return v, nil
}

func (m *migrator[H]) History(ctx context.Context) ([]Record, error) {
	recs, err := m.records(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Record, len(recs))
	for i, r := range recs {
		out[i] = Record(r)
	}
	slices.SortStableFunc(out, func(a, b Record) int {
		if c := a.Completed.Compare(b.Completed); c != 0 {
			return c
		}
		return a.Version - b.Version
	})
	return out, nil
}

func (m *migrator[H]) Check(ctx context.Context) error {
	v, err := m.Version(ctx)
	if err != nil {
		return err
	}
	if v != m.target {
		return &VersionError{Database: v, Service: m.target}
	}
	return nil
}

// reachable returns nil when the steps can bring the database from v to
// the target.
func (m *migrator[H]) reachable(v int) error {
	for s := v; s > m.target; s-- {
		if st, ok := m.steps[s]; !ok || st.Down == nil {
			return &VersionError{Database: v, Service: m.target}
		}
	}
	return nil
}

func (m *migrator[H]) Migrate(ctx context.Context) error {
	waiting := false
	for {
		v, err := m.Version(ctx)
		if err != nil {
			return err
		}
		if v == m.target {
			return nil
		}
		if err := m.reachable(v); err != nil {
			return err
		}
		ran, err := m.tryRun(ctx)
		if err != nil || ran {
			return err
		}
		if !waiting && m.opts.log != nil {
			m.opts.log.InfoContext(ctx, "migrate: waiting for another migrator's lock", slog.Int("version", v), slog.Int("target", m.target))
		}
		waiting = true
		t := time.NewTimer(m.opts.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// tryRun takes the lock, or an expired lease, and migrates under it. It
// reports false when another migrator holds the lock.
func (m *migrator[H]) tryRun(ctx context.Context) (bool, error) {
	l, expired, err := acquire(ctx, m.d, m.opts.lease)
	if err != nil || l == nil {
		return false, err
	}
	if m.opts.log != nil {
		if expired != nil {
			m.opts.log.WarnContext(ctx, "migrate: took over the lock of a migrator whose lease expired",
				slog.Time("acquired_at", expired.AcquiredAt), slog.Time("expired_at", expired.ExpiresAt), slog.Int("target", m.target))
		} else {
			m.opts.log.InfoContext(ctx, "migrate: lock acquired", slog.Int("target", m.target))
		}
	}
	runCtx, stop := l.watch(ctx)
	err = m.run(runCtx, l)
	stop()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	if rerr := l.release(ctx); err == nil && rerr != nil {
		err = rerr
	}
	return true, err
}

// run migrates from the database's version, read again under the lock, to
// the target, recording each step.
func (m *migrator[H]) run(ctx context.Context, l *lease) error {
	start := time.Now()
	recs, err := m.records(ctx)
	if err != nil {
		return l.cause(ctx, err)
	}
	v, last := current(recs)
	rec := func(version int, backward bool, began time.Time) error {
		if err := l.check(ctx); err != nil {
			return err
		}
		done := time.Now().UTC().Truncate(time.Millisecond)
		if !done.After(last) {
			// Each record completes after the one before, so that the
			// latest record is the current version for every reader.
			done = last.Add(time.Millisecond)
		}
		r := driver.Record{Version: version, Completed: done, Backward: backward, Duration: time.Since(began).Truncate(time.Millisecond)}
		if err := m.d.Append(ctx, r); err != nil {
			return l.cause(ctx, err)
		}
		last = done
		if m.opts.log != nil {
			m.opts.log.InfoContext(ctx, "migrate: database at version", slog.Int("version", version), slog.Bool("backward", backward), slog.Duration("duration", r.Duration))
		}
		return nil
	}
	if v == 0 {
		if err := rec(1, false, start); err != nil {
			return err
		}
		v = 1
	}
	if err := m.reachable(v); err != nil {
		return err
	}
	for v != m.target {
		backward := v > m.target
		step, next, fn := m.steps[v+1], v+1, m.steps[v+1].Up
		if backward {
			step, next = m.steps[v], v-1
			fn = step.Down
		}
		began := time.Now()
		if err := fn(ctx, m.h); err != nil {
			if cerr := l.check(ctx); cerr != nil {
				return cerr
			}
			return &StepError{Version: step.Version, Backward: backward, Err: err}
		}
		if err := rec(next, backward, began); err != nil {
			return err
		}
		v = next
	}
	return nil
}
