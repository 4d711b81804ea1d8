package driver_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
)

// toyDriver is a toy provider: one version collection in memory. When
// verbose, it prints the calls it receives (not Renew, which a timer
// calls while steps run).
type toyDriver struct {
	verbose bool

	mu      sync.Mutex
	records []driver.Record
	lock    *driver.Lease
	taken   map[string]bool // owners of expired leases already taken over
}

// do runs f under the mutex, after returning the context's error
// unwrapped if ctx is done, as the contract asks.
func (d *toyDriver) do(ctx context.Context, call string, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.verbose && call != "" {
		fmt.Println("driver:", call)
	}
	return f()
}

func (d *toyDriver) Records(ctx context.Context) (out []driver.Record, err error) {
	err = d.do(ctx, "Records", func() error {
		out = append(out, d.records...)
		return nil
	})
	return out, err
}

func (d *toyDriver) Append(ctx context.Context, r driver.Record) error {
	return d.do(ctx, fmt.Sprintf("Append version %d, backward %v", r.Version, r.Backward), func() error {
		d.records = append(d.records, r)
		return nil
	})
}

func (d *toyDriver) Lock(ctx context.Context) (l driver.Lease, ok bool, err error) {
	err = d.do(ctx, "Lock", func() error {
		if d.lock != nil {
			l, ok = *d.lock, true
		}
		return nil
	})
	return l, ok, err
}

func (d *toyDriver) Acquire(ctx context.Context, l driver.Lease) error {
	call := fmt.Sprintf("Acquire for %v (owner set: %v)", l.ExpiresAt.Sub(l.AcquiredAt), l.Owner != "")
	return d.do(ctx, call, func() error {
		if d.lock != nil {
			return driver.ErrLocked
		}
		d.lock = &l
		return nil
	})
}

func (d *toyDriver) TakeOver(ctx context.Context, old, next driver.Lease) error {
	return d.do(ctx, "TakeOver", func() error {
		if d.taken[old.Owner] || d.lock == nil || *d.lock != old {
			return driver.ErrLocked
		}
		if d.taken == nil {
			d.taken = map[string]bool{}
		}
		d.taken[old.Owner] = true
		d.lock = &next
		return nil
	})
}

func (d *toyDriver) Renew(ctx context.Context, owner string, expiresAt time.Time) error {
	return d.do(ctx, "", func() error {
		if d.lock == nil || d.lock.Owner != owner {
			return driver.ErrLockLost
		}
		d.lock.ExpiresAt = expiresAt
		return nil
	})
}

func (d *toyDriver) Release(ctx context.Context, owner string) error {
	return d.do(ctx, "Release", func() error {
		if d.lock == nil || d.lock.Owner != owner {
			return driver.ErrLockLost
		}
		d.lock = nil
		return nil
	})
}

// A provider implements driver.Driver; the bridge migrate.New checks the
// plan and the options before the driver is ever called, then runs every
// rule itself: it reads the version, takes the lock, reads again under
// it, records version 1 and each step, and releases the lock. The driver
// only stores and reads. A migrator at its target reads and returns.
func ExampleDriver() {
	ctx := context.Background()
	d := &toyDriver{verbose: true}
	up := func(ctx context.Context, _ struct{}) error {
		fmt.Println("step 2 runs")
		return nil
	}

	_, err := migrate.New(d, struct{}{}, 3, []migrate.Step[struct{}]{{Version: 2, Up: up}})
	fmt.Println("no step 3, refused before the driver:", errors.Is(err, migrate.ErrInvalidPlan))

	m, err := migrate.New(d, struct{}{}, 2, []migrate.Step[struct{}]{{Version: 2, Up: up}})
	if err != nil {
		panic(err)
	}
	fmt.Println("migrate:", m.Migrate(ctx))
	fmt.Println("again:", m.Migrate(ctx))
	// Output:
	// no step 3, refused before the driver: true
	// driver: Records
	// driver: Acquire for 30s (owner set: true)
	// driver: Records
	// driver: Append version 1, backward false
	// step 2 runs
	// driver: Append version 2, backward false
	// driver: Release
	// migrate: <nil>
	// driver: Records
	// again: <nil>
}

// A lock document without a lease, as Python hexkit writes it, is never
// taken over: Migrate looks again every poll interval until its context
// ends, and returns the context's error unwrapped. The driver's Acquire
// returned ErrLocked and its Lock the lease with a zero ExpiresAt.
func ExampleLease() {
	d := &toyDriver{lock: &driver.Lease{}}
	ran := false
	m, err := migrate.New(d, &ran, 2, []migrate.Step[*bool]{{Version: 2, Up: func(ctx context.Context, ran *bool) error {
		*ran = true
		return nil
	}}}, migrate.WithPollInterval(10*time.Millisecond))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = m.Migrate(ctx)
	fmt.Println(err == context.DeadlineExceeded, "step ran:", ran)
	// Output: true step ran: false
}
