package driver

import (
	"context"
	"time"
)

// Record is one version record: the database reached Version at
// Completed, forward or Backward, and the work took Duration.
type Record struct {
	Version   int
	Completed time.Time
	Backward  bool
	Duration  time.Duration
}

// Lease is the content of the lock document. Owner is a random token of
// one acquisition; ExpiresAt is when the lease ends unless renewed. A lock
// written without a lease (by a migrator that has none) has an empty Owner
// and a zero ExpiresAt.
type Lease struct {
	Owner      string
	AcquiredAt time.Time
	ExpiresAt  time.Time
}

// Driver stores the version records and the lock of one version
// collection. Times it receives are UTC with millisecond precision.
type Driver interface {
	// Records returns every version record, in any order (the lock is not
	// a record). A collection that does not exist has none.
	Records(ctx context.Context) ([]Record, error)
	// Append stores one more record.
	Append(ctx context.Context, r Record) error
	// Lock returns the lock document, and false when there is none.
	Lock(ctx context.Context) (Lease, bool, error)
	// Acquire writes the lock document l if there is none, atomically; it
	// returns ErrLocked if there is one.
	Acquire(ctx context.Context, l Lease) error
	// TakeOver replaces the expired lease old, as returned by Lock, with
	// next. Of several callers taking over the same old lease at once,
	// exactly one succeeds; the others get ErrLocked, as does a caller
	// whose old lease is no longer the lock.
	TakeOver(ctx context.Context, old, next Lease) error
	// Renew sets the expiry of owner's lease to expiresAt; ErrLockLost if
	// the lock is not owner's.
	Renew(ctx context.Context, owner string, expiresAt time.Time) error
	// Release deletes owner's lock; ErrLockLost if the lock is not owner's.
	Release(ctx context.Context, owner string) error
}
