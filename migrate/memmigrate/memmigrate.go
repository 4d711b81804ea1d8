package memmigrate

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
)

// DB is an in-memory database of version collections. It is safe for
// concurrent use; the zero value is not: call [New].
type DB struct {
	mu    sync.Mutex
	colls map[string]*collection
}

type collection struct {
	records []driver.Record
	lock    *driver.Lease
	claims  map[string]bool // expired owners whose lease was taken over
}

// New returns an empty DB.
func New() *DB { return &DB{colls: map[string]*collection{}} }

// NewMigrator returns a Migrator of db's version collection coll for the
// target version with the given steps, each called with h. A bad
// collection name wraps migrate.ErrInvalidCollection, a nil db
// migrate.ErrInvalidOption; bad steps, target or options fail as
// migrate.New does.
func NewMigrator[H any](db *DB, coll string, h H, target int, steps []migrate.Step[H], opts ...migrate.Option) (migrate.Migrator, error) {
	d, err := newDriver(db, coll)
	if err != nil {
		return nil, err
	}
	return migrate.New(d, h, target, steps, opts...)
}

func newDriver(db *DB, coll string) (*memDriver, error) {
	if err := migrate.ValidateCollection(coll); err != nil {
		return nil, err
	}
	if db == nil {
		return nil, fmt.Errorf("%w: nil DB", migrate.ErrInvalidOption)
	}
	return &memDriver{db: db, name: coll}, nil
}

type memDriver struct {
	db   *DB
	name string
}

// with runs f on the collection under the DB's lock.
func (d *memDriver) with(ctx context.Context, f func(c *collection) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.db.mu.Lock()
	defer d.db.mu.Unlock()
	c := d.db.colls[d.name]
	if c == nil {
		c = &collection{claims: map[string]bool{}}
		d.db.colls[d.name] = c
	}
	return f(c)
}

func (d *memDriver) Records(ctx context.Context) (out []driver.Record, err error) {
	err = d.with(ctx, func(c *collection) error {
		out = append(out, c.records...)
		return nil
	})
	return out, err
}

func (d *memDriver) Append(ctx context.Context, r driver.Record) error {
	return d.with(ctx, func(c *collection) error {
		c.records = append(c.records, r)
		return nil
	})
}

func (d *memDriver) Lock(ctx context.Context) (l driver.Lease, ok bool, err error) {
	err = d.with(ctx, func(c *collection) error {
		if c.lock != nil {
			l, ok = *c.lock, true
		}
		return nil
	})
	return l, ok, err
}

func (d *memDriver) Acquire(ctx context.Context, l driver.Lease) error {
	return d.with(ctx, func(c *collection) error {
		if c.lock != nil {
			return driver.ErrLocked
		}
		c.lock = &l
		return nil
	})
}

func (d *memDriver) TakeOver(ctx context.Context, old, next driver.Lease) error {
	return d.with(ctx, func(c *collection) error {
		if c.claims[old.Owner] || c.lock == nil || *c.lock != old {
			return driver.ErrLocked
		}
		c.claims[old.Owner] = true
		c.lock = &next
		return nil
	})
}

func (d *memDriver) Renew(ctx context.Context, owner string, expiresAt time.Time) error {
	return d.with(ctx, func(c *collection) error {
		if c.lock == nil || c.lock.Owner != owner {
			return driver.ErrLockLost
		}
		c.lock.ExpiresAt = expiresAt
		return nil
	})
}

func (d *memDriver) Release(ctx context.Context, owner string) error {
	return d.with(ctx, func(c *collection) error {
		if c.lock == nil || c.lock.Owner != owner {
			return driver.ErrLockLost
		}
		c.lock = nil
		return nil
	})
}
