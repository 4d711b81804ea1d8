package migrate

import (
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/migrate/driver"
)

// Sentinel errors. Every error a Migrator or a constructor returns wraps
// one of them (or is the context's error, unwrapped), whichever provider
// made it.
var (
	// ErrDatabaseNewer: the database is at a higher version than the
	// service expects and cannot be brought down to it (a step between
	// has no Down), or [Migrator.Check] found it higher. The error is a
	// *[VersionError].
	ErrDatabaseNewer = errors.New("migrate: database is newer than the service expects")
	// ErrDatabaseOlder: [Migrator.Check] found the database at a lower
	// version than the service expects. The error is a *[VersionError].
	ErrDatabaseOlder = errors.New("migrate: database is older than the service expects")
	// ErrStepFailed: a step returned an error. The error is a *[StepError].
	ErrStepFailed = errors.New("migrate: step failed")
	// ErrLocked: another migrator holds the lock. Migrate waits for it and
	// does not return it; the drivers do.
	ErrLocked = driver.ErrLocked
	// ErrLockLost: the migrator could not renew its lease in time (the
	// database did not answer, or another migrator took the expired lease
	// over); the running step's context was cancelled and nothing more was
	// recorded.
	ErrLockLost = driver.ErrLockLost
	// ErrUnavailable: the database did not answer, or failed a request
	// for a reason no other sentinel names.
	ErrUnavailable = driver.ErrUnavailable
	// ErrCorrupt: the version collection holds a document that is neither
	// a version record nor the lock document as the protocol writes them
	// (a field of another type, a record whose version is below 1):
	// another program wrote it there, or the collection is not a version
	// collection. Nothing was changed.
	ErrCorrupt = driver.ErrCorrupt
	// ErrInvalidPlan: the target version or the steps given to a
	// constructor are invalid (a target below 1, a step numbered below 2 or
	// twice, a step without Up, a version up to the target without a step).
	ErrInvalidPlan = errors.New("migrate: invalid plan")
	// ErrInvalidOption: an option given to a constructor is invalid.
	ErrInvalidOption = errors.New("migrate: invalid option")
	// ErrInvalidCollection: a version collection name that is empty, longer
	// than 120 bytes, not valid UTF-8, holds '$', '"' or a NUL byte,
	// starts with '.', or starts with "system." or "_ferretdb_": names that
	// MongoDB or FerretDB refuse or cannot store, refused by every
	// provider.
	ErrInvalidCollection = errors.New("migrate: invalid version collection name")
)

// VersionError says that the database is not at the version the service
// expects. It matches [ErrDatabaseNewer] or [ErrDatabaseOlder] with
// errors.Is.
type VersionError struct {
	Database int // the database's version (0: never migrated)
	Service  int // the version the service expects
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("%s: database version %d, service expects %d", e.sentinel().Error(), e.Database, e.Service)
}

func (e *VersionError) sentinel() error {
	if e.Database > e.Service {
		return ErrDatabaseNewer
	}
	return ErrDatabaseOlder
}

// Unwrap returns ErrDatabaseNewer or ErrDatabaseOlder.
func (e *VersionError) Unwrap() error { return e.sentinel() }

// StepError says which step failed and how. It matches [ErrStepFailed] and
// the step's own error with errors.Is.
type StepError struct {
	Version  int   // the step's version
	Backward bool  // true when its Down failed
	Err      error // what the step returned
}

func (e *StepError) Error() string {
	how := "Up"
	if e.Backward {
		how = "Down"
	}
	return fmt.Sprintf("migrate: step %d %s failed: %v", e.Version, how, e.Err)
}

// Unwrap returns ErrStepFailed and the step's error.
func (e *StepError) Unwrap() []error { return []error{ErrStepFailed, e.Err} }
