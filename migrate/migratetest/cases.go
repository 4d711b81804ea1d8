package migratetest

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
)

var cases = []tcase{
	{"FreshDatabaseStartsAtOneThenSteps", func(t *testing.T, d driver.Driver) {
		st := &state{}
		m := open(t, d, st, 3, steps(3, false, nil))
		wantVersion(t, m, 0)
		if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantLog(t, st, "up 2", "up 3")
		wantVersion(t, m, 3)
		wantHistory(t, m, "up 1", "up 2", "up 3")
	}},
	{"TargetOneOnlyStartsVersioning", func(t *testing.T, d driver.Driver) {
		m := open(t, d, &state{}, 1, nil)
		if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantHistory(t, m, "up 1")
	}},
	{"UpToDateRunsNothing", func(t *testing.T, d driver.Driver) {
		st := &state{}
		m := open(t, d, st, 2, steps(2, false, nil))
		for range 2 {
			if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		wantLog(t, st, "up 2")
		wantHistory(t, m, "up 1", "up 2")
	}},
	{"ContinuesFromTheRecordedVersion", func(t *testing.T, d driver.Driver) {
		st := &state{}
		if err := open(t, d, st, 2, steps(4, false, nil)).Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		m := open(t, d, st, 4, steps(4, false, nil))
		if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantLog(t, st, "up 2", "up 3", "up 4")
		wantHistory(t, m, "up 1", "up 2", "up 3", "up 4")
	}},
	{"GoesDownThroughDown", func(t *testing.T, d driver.Driver) {
		st := &state{}
		if err := open(t, d, st, 4, steps(4, true, nil)).Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		m := open(t, d, st, 2, steps(4, true, nil))
		if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantLog(t, st, "up 2", "up 3", "up 4", "down 4", "down 3")
		wantVersion(t, m, 2)
		wantHistory(t, m, "up 1", "up 2", "up 3", "up 4", "down 3", "down 2")
	}},
	{"NewerDatabaseWithoutDownIsRefused", func(t *testing.T, d driver.Driver) {
		st := &state{}
		if err := open(t, d, st, 3, steps(3, false, nil)).Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		// A service that knows step 3 but cannot undo it, and an older
		// service that does not know step 3 at all.
		for _, s := range [][]migrate.Step[*state]{steps(3, false, nil), steps(2, true, nil)} {
			err := open(t, d, st, 2, s).Migrate(ctxT(t, 10*time.Second))
			wantVersionError(t, err, migrate.ErrDatabaseNewer, 3, 2)
		}
		wantLog(t, st, "up 2", "up 3")
		wantHistory(t, open(t, d, st, 3, steps(3, false, nil)), "up 1", "up 2", "up 3")
	}},
	{"CheckNamesBothVersions", func(t *testing.T, d driver.Driver) {
		st := &state{}
		m2 := open(t, d, st, 2, steps(3, false, nil))
		wantVersionError(t, m2.Check(ctxT(t, 10*time.Second)), migrate.ErrDatabaseOlder, 0, 2)
		if err := m2.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := m2.Check(ctxT(t, 10*time.Second)); err != nil {
			t.Fatalf("Check at the target: %v", err)
		}
		m3 := open(t, d, st, 3, steps(3, false, nil))
		wantVersionError(t, m3.Check(ctxT(t, 10*time.Second)), migrate.ErrDatabaseOlder, 2, 3)
		if err := m3.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantVersionError(t, m2.Check(ctxT(t, 10*time.Second)), migrate.ErrDatabaseNewer, 3, 2)
		wantLog(t, st, "up 2", "up 3")
	}},
	{"FailedStepKeepsEarlierStepsAndFreesTheLock", func(t *testing.T, d driver.Driver) {
		st := &state{}
		boom := errors.New("boom")
		fail := true
		s := steps(3, false, func(_ context.Context, v int) error {
			if v == 3 && fail {
				return boom
			}
			return nil
		})
		m := open(t, d, st, 3, s, migrate.WithPollInterval(time.Hour))
		err := m.Migrate(ctxT(t, 10*time.Second))
		var se *migrate.StepError
		if !errors.Is(err, migrate.ErrStepFailed) || !errors.Is(err, boom) || !errors.As(err, &se) || se.Version != 3 || se.Backward {
			t.Fatalf("got %v, want a *migrate.StepError for Up of step 3 matching ErrStepFailed and the step's error", err)
		}
		wantVersion(t, m, 2)
		// The lock is free: the next start does not wait (poll interval of
		// an hour) and runs step 3 again.
		fail = false
		if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantLog(t, st, "up 2", "up 3", "up 3")
		wantHistory(t, m, "up 1", "up 2", "up 3")
	}},
	{"ConcurrentStartersMigrateOnce", func(t *testing.T, d driver.Driver) {
		st := &state{}
		s := steps(4, false, func(ctx context.Context, v int) error {
			time.Sleep(30 * time.Millisecond)
			return nil
		})
		var wg sync.WaitGroup
		errs := make([]error, 5)
		for i := range errs {
			m := open(t, d, st, 4, s)
			wg.Go(func() { errs[i] = m.Migrate(ctxT(t, 20*time.Second)) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("starter %d: %v", i, err)
			}
		}
		wantLog(t, st, "up 2", "up 3", "up 4")
		wantHistory(t, open(t, d, st, 4, s), "up 1", "up 2", "up 3", "up 4")
	}},
	{"WaiterIsBoundedByItsContext", func(t *testing.T, d driver.Driver) {
		st := &state{}
		release := make(chan struct{})
		started := make(chan struct{})
		s := steps(2, false, func(ctx context.Context, v int) error {
			close(started)
			<-release
			return nil
		})
		holder := make(chan error, 1)
		go func() { holder <- open(t, d, st, 2, s).Migrate(ctxT(t, 20*time.Second)) }()
		<-started
		err := open(t, d, st, 2, s).Migrate(ctxT(t, 200*time.Millisecond))
		if err != context.DeadlineExceeded {
			t.Fatalf("waiter got %v, want context.DeadlineExceeded unwrapped", err)
		}
		waiter := make(chan error, 1)
		go func() { waiter <- open(t, d, st, 2, s).Migrate(ctxT(t, 20*time.Second)) }()
		close(release)
		if err := <-holder; err != nil {
			t.Fatalf("holder: %v", err)
		}
		if err := <-waiter; err != nil {
			t.Fatalf("waiter after the holder finished: %v", err)
		}
		wantLog(t, st, "up 2")
	}},
	{"RenewedLeaseOutlivesItsDuration", func(t *testing.T, d driver.Driver) {
		st := &state{}
		s := steps(2, false, func(ctx context.Context, v int) error {
			select {
			case <-time.After(2500 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		lease := migrate.WithLease(time.Second)
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			m := open(t, d, st, 2, s, lease)
			wg.Go(func() { errs[i] = m.Migrate(ctxT(t, 20*time.Second)) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("starter %d: %v", i, err)
			}
		}
		if st.overlap {
			t.Error("two migrators ran a step at once: a renewed lease was taken over")
		}
		wantLog(t, st, "up 2")
	}},
	{"ExpiredLeaseIsTakenOver", func(t *testing.T, d driver.Driver) {
		// A migrator that died: its lock, never renewed, expires 300ms from now.
		t0 := time.Now().UTC().Truncate(time.Millisecond)
		dead := driver.Lease{Owner: "dead-migrator", AcquiredAt: t0, ExpiresAt: t0.Add(300 * time.Millisecond)}
		if err := d.Acquire(ctxT(t, 10*time.Second), dead); err != nil {
			t.Fatal(err)
		}
		st := &state{}
		logs := &captured{}
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			m := open(t, d, st, 3, steps(3, false, nil), migrate.WithLogger(slog.New(logs)))
			wg.Go(func() { errs[i] = m.Migrate(ctxT(t, 20*time.Second)) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("starter %d: %v", i, err)
			}
		}
		if waited := time.Since(t0); waited < 300*time.Millisecond {
			t.Errorf("migrated after %v, before the dead migrator's lease expired", waited)
		}
		wantLog(t, st, "up 2", "up 3")
		if n := logs.count(slog.LevelWarn, "expired"); n != 1 {
			t.Errorf("%d warnings of a takeover logged, want 1", n)
		}
		if _, held, err := d.Lock(ctxT(t, 10*time.Second)); err != nil || held {
			t.Errorf("lock after migrating: held %v, err %v; want released", held, err)
		}
	}},
	{"LockWithoutLeaseIsWaitedFor", func(t *testing.T, d driver.Driver) {
		// Python hexkit's lock has no lease: only its holder removes it.
		if err := d.Acquire(ctxT(t, 10*time.Second), driver.Lease{AcquiredAt: time.Now().UTC().Truncate(time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		st := &state{}
		err := open(t, d, st, 2, steps(2, false, nil)).Migrate(ctxT(t, 300*time.Millisecond))
		if err != context.DeadlineExceeded {
			t.Fatalf("got %v, want context.DeadlineExceeded", err)
		}
		wantLog(t, st)
	}},
	{"LostLeaseCancelsTheStep", func(t *testing.T, d driver.Driver) {
		st := &state{}
		s := steps(3, false, func(ctx context.Context, v int) error {
			if v != 3 {
				return nil
			}
			// The lock is taken away while step 3 runs; the migrator
			// notices at its next renewal and cancels the step, which then
			// lets a thief take the lock (after the renewals stopped: on
			// a server whose conditional updates are not atomic, a renewal
			// in flight could overwrite the thief's lock).
			l, _, err := d.Lock(ctx)
			if err != nil {
				return err
			}
			if err := d.Release(ctx, l.Owner); err != nil {
				return err
			}
			<-ctx.Done()
			bg := context.WithoutCancel(ctx)
			t0 := time.Now().UTC().Truncate(time.Millisecond)
			if err := d.Acquire(bg, driver.Lease{Owner: "thief", AcquiredAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
				t.Errorf("thief: %v", err)
			}
			return ctx.Err()
		})
		m := open(t, d, st, 3, s, migrate.WithLease(2*time.Second))
		err := m.Migrate(ctxT(t, 10*time.Second))
		if !errors.Is(err, migrate.ErrLockLost) {
			t.Fatalf("got %v, want ErrLockLost", err)
		}
		wantVersion(t, m, 2)
		if l, held, err := d.Lock(ctxT(t, 10*time.Second)); err != nil || !held || l.Owner != "thief" {
			t.Errorf("lock after losing the lease: %+v, held %v, err %v; want the thief's lock left alone", l, held, err)
		}
	}},
	{"CancelledContextIsReturnedUnwrapped", func(t *testing.T, d driver.Driver) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		st := &state{}
		m := open(t, d, st, 2, steps(2, false, nil))
		if err := m.Migrate(ctx); err != context.Canceled {
			t.Fatalf("Migrate: got %v, want context.Canceled", err)
		}
		if err := m.Check(ctx); err != context.Canceled {
			t.Fatalf("Check: got %v, want context.Canceled", err)
		}
		wantLog(t, st)
	}},
	{"LatestRecordIsTheVersion", func(t *testing.T, d driver.Driver) {
		// Records as Python hexkit writes them: one per migration run,
		// two of them completed in the same millisecond.
		t0 := time.Date(2025, 1, 2, 3, 4, 5, 6e6, time.UTC)
		recs := []driver.Record{
			{Version: 1, Completed: t0},
			{Version: 4, Completed: t0, Duration: time.Second},
			{Version: 3, Completed: t0.Add(time.Minute), Backward: true},
		}
		for _, r := range recs {
			if err := d.Append(ctxT(t, 10*time.Second), r); err != nil {
				t.Fatal(err)
			}
		}
		st := &state{}
		m := open(t, d, st, 3, steps(4, true, nil))
		wantVersion(t, m, 3)
		if err := m.Migrate(ctxT(t, 10*time.Second)); err != nil {
			t.Fatal(err)
		}
		wantLog(t, st)
		checkHistory(t, m, false, "up 1", "up 4", "down 3")
	}},
	{"RecordBelowVersionOneIsCorrupt", func(t *testing.T, d driver.Driver) {
		// Another program's document read as a record of version 0.
		t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		for _, r := range []driver.Record{{Version: 1, Completed: t0}, {Version: 0, Completed: t0.Add(time.Second)}} {
			if err := d.Append(ctxT(t, 10*time.Second), r); err != nil {
				t.Fatal(err)
			}
		}
		st := &state{}
		m := open(t, d, st, 2, steps(2, false, nil))
		if _, err := m.Version(ctxT(t, 10*time.Second)); !errors.Is(err, migrate.ErrCorrupt) {
			t.Errorf("Version: got %v, want ErrCorrupt", err)
		}
		if _, err := m.History(ctxT(t, 10*time.Second)); !errors.Is(err, migrate.ErrCorrupt) {
			t.Errorf("History: got %v, want ErrCorrupt", err)
		}
		if err := m.Migrate(ctxT(t, 10*time.Second)); !errors.Is(err, migrate.ErrCorrupt) {
			t.Errorf("Migrate: got %v, want ErrCorrupt", err)
		}
		wantLog(t, st)
		if _, held, err := d.Lock(ctxT(t, 10*time.Second)); err != nil || held {
			t.Errorf("after Migrate: Lock = held %v, %v; want the lock released", held, err)
		}
	}},
	{"InvalidPlansAndOptionsAreRefused", func(t *testing.T, d driver.Driver) {
		up := func(context.Context, *state) error { return nil }
		plans := []struct {
			target int
			steps  []migrate.Step[*state]
		}{
			{0, nil},
			{2, nil},
			{2, []migrate.Step[*state]{{Version: 1, Up: up}, {Version: 2, Up: up}}},
			{2, []migrate.Step[*state]{{Version: 2, Up: up}, {Version: 2, Up: up}}},
			{2, []migrate.Step[*state]{{Version: 2}}},
			{4, []migrate.Step[*state]{{Version: 2, Up: up}, {Version: 4, Up: up}}},
		}
		for _, p := range plans {
			if _, err := migrate.New(d, &state{}, p.target, p.steps); !errors.Is(err, migrate.ErrInvalidPlan) {
				t.Errorf("target %d, %d steps: got %v, want ErrInvalidPlan", p.target, len(p.steps), err)
			}
		}
		for _, o := range []migrate.Option{migrate.WithLease(0), migrate.WithLease(time.Millisecond), migrate.WithPollInterval(0)} {
			if _, err := migrate.New(d, &state{}, 1, nil, o); !errors.Is(err, migrate.ErrInvalidOption) {
				t.Errorf("got %v, want ErrInvalidOption", err)
			}
		}
	}},
}
