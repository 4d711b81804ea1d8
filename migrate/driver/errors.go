package driver

import "errors"

// Sentinel errors, re-exported by package migrate under the same names.
var (
	// ErrLocked: another migrator holds the lock (Acquire), or another
	// starter claimed an expired lease first (TakeOver).
	ErrLocked = errors.New("migrate: locked by another migrator")
	// ErrLockLost: the lock is no longer the caller's (Renew, Release).
	ErrLockLost = errors.New("migrate: lock lost")
	// ErrUnavailable: the database did not answer.
	ErrUnavailable = errors.New("migrate: database unavailable")
)
