package driver

import "errors"

// Sentinel errors, re-exported by package migrate under the same names.
var (
	// ErrLocked: another migrator holds the lock (Acquire), or another
	// starter claimed an expired lease first (TakeOver).
	ErrLocked = errors.New("migrate: locked by another migrator")
	// ErrLockLost: the lock is no longer the caller's (Renew, Release).
	ErrLockLost = errors.New("migrate: lock lost")
	// ErrUnavailable: the database did not answer, or failed a request
	// for a reason no other sentinel names.
	ErrUnavailable = errors.New("migrate: database unavailable")
	// ErrCorrupt: the version collection holds a document that is neither
	// a version record nor the lock document as the protocol writes them
	// (Records, Lock): a field of another type, or a record whose version
	// is below 1.
	ErrCorrupt = errors.New("migrate: version collection holds something else")
)
