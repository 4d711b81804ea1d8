package migratetest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
	"github.com/hexkit-go/hexkit/migrate/migratetest"
)

// sliceDriver is a small in-memory driver, standing for the provider under
// test: its whole collection is the fields below.
type sliceDriver struct {
	mu       sync.Mutex
	recs     []driver.Record
	lease    *driver.Lease
	replaced map[string]bool // owners whose expired lease was taken over
}

// locked returns ctx's error, unwrapped, or f's under the mutex.
func (d *sliceDriver) locked(ctx context.Context, f func() error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return f()
}

// holds says whether owner holds the lock.
func (d *sliceDriver) holds(owner string) bool { return d.lease != nil && d.lease.Owner == owner }

func (d *sliceDriver) Records(ctx context.Context) ([]driver.Record, error) {
	var out []driver.Record
	return out, d.locked(ctx, func() error { out = append(out, d.recs...); return nil })
}

func (d *sliceDriver) Append(ctx context.Context, r driver.Record) error {
	return d.locked(ctx, func() error { d.recs = append(d.recs, r); return nil })
}

func (d *sliceDriver) Lock(ctx context.Context) (driver.Lease, bool, error) {
	var l *driver.Lease
	err := d.locked(ctx, func() error { l = d.lease; return nil })
	if err != nil || l == nil {
		return driver.Lease{}, false, err
	}
	return *l, true, nil
}

func (d *sliceDriver) Acquire(ctx context.Context, l driver.Lease) error {
	return d.locked(ctx, func() error {
		if d.lease != nil {
			return driver.ErrLocked
		}
		d.lease = &l
		return nil
	})
}

func (d *sliceDriver) TakeOver(ctx context.Context, old, next driver.Lease) error {
	return d.locked(ctx, func() error {
		if d.replaced[old.Owner] || d.lease == nil || *d.lease != old {
			return driver.ErrLocked
		}
		d.replaced[old.Owner], d.lease = true, &next
		return nil
	})
}

func (d *sliceDriver) Renew(ctx context.Context, owner string, expiresAt time.Time) error {
	return d.locked(ctx, func() error {
		if !d.holds(owner) {
			return driver.ErrLockLost
		}
		d.lease.ExpiresAt = expiresAt
		return nil
	})
}

func (d *sliceDriver) Release(ctx context.Context, owner string) error {
	return d.locked(ctx, func() error {
		if !d.holds(owner) {
			return driver.ErrLockLost
		}
		d.lease = nil
		return nil
	})
}

// newSliceDriver is the NewDriver a provider's test passes to Run. The
// in-memory driver keeps nothing outside the returned value, so it ignores
// tb; a database provider creates a fresh version collection and drops it
// in tb.Cleanup.
func newSliceDriver(_ testing.TB) driver.Driver {
	return &sliceDriver{replaced: map[string]bool{}}
}

// A provider's test passes its NewDriver to Run with a *testing.T:
//
//	func TestConformance(t *testing.T) { migratetest.Run(t, newSliceDriver) }
//
// Run calls it once per subtest for a fresh, empty collection and builds
// migrators over it with migrate.New, as this example does by hand with one
// of the rules the suite checks: a second migrator finds the target
// reached and runs no step again, while a fresh collection starts at 0.
func ExampleNewDriver() {
	var newDriver migratetest.NewDriver = newSliceDriver
	ctx := context.Background()
	runs := 0
	steps := []migrate.Step[*int]{
		{Version: 2, Up: func(ctx context.Context, n *int) error { *n++; return nil }},
		{Version: 3, Up: func(ctx context.Context, n *int) error { *n++; return nil }},
	}
	d := newDriver(nil)
	for range 2 {
		m, err := migrate.New(d, &runs, 3, steps)
		if err != nil {
			panic(err)
		}
		if err := m.Migrate(ctx); err != nil {
			panic(err)
		}
	}
	m, _ := migrate.New(d, &runs, 3, steps)
	h, _ := m.History(ctx)
	fmt.Println("steps ran:", runs, "records:", len(h))

	fresh, _ := migrate.New(newDriver(nil), &runs, 3, steps)
	v, _ := fresh.Version(ctx)
	fmt.Println("fresh collection at version", v)
	// Output:
	// steps ran: 2 records: 3
	// fresh collection at version 0
}
