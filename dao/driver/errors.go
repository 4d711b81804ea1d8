package driver

import (
	"errors"
	"strings"
)

// The sentinel errors of the dao protocol, declared here and re-exported by
// package dao under the same names. A driver wraps the one that applies
// together with its native error (fmt.Errorf("%w: %w", driver.ErrNotFound,
// err)), in one mapError function; context errors pass through as they are.
var (
	// ErrNotFound: Get, Update or Delete named an id that is not stored.
	ErrNotFound = errors.New("dao: not found")
	// ErrAlreadyExists: Insert named an id that is already stored.
	ErrAlreadyExists = errors.New("dao: already exists")
	// ErrUniqueViolation: a write would store two documents with the same
	// values in the fields of a unique index. The error is a
	// *UniqueViolationError naming the index's fields.
	ErrUniqueViolation = errors.New("dao: unique index violated")
	// ErrNoHits: FindOne matched no document.
	ErrNoHits = errors.New("dao: no document matches")
	// ErrMultipleHits: FindOne matched more than one document.
	ErrMultipleHits = errors.New("dao: more than one document matches")
	// ErrInvalidFilter: a filter, sort or paging option names an unknown
	// field, compares a field with a value of the wrong type, or is
	// otherwise malformed. Nothing was read.
	ErrInvalidFilter = errors.New("dao: invalid filter")
	// ErrConflict: optimistic concurrency failed: Update or Upsert carried a
	// version that is not the stored one. Nothing was written.
	ErrConflict = errors.New("dao: version conflict")
	// ErrInvalidDocument: the document type cannot be stored (found by the
	// constructor) or a document value cannot be encoded (for example an
	// unsigned integer above the int64 range). Nothing was written.
	ErrInvalidDocument = errors.New("dao: invalid document")
	// ErrInvalidOption: a constructor option is invalid, for example a
	// unique index on a field the document type does not have.
	ErrInvalidOption = errors.New("dao: invalid option")
	// ErrInvalidID: Get or Delete named an id that cannot be stored (a
	// string that is not valid UTF-8). A document whose id is invalid fails
	// with both ErrInvalidDocument and ErrInvalidID. Nothing was read or
	// written.
	ErrInvalidID = errors.New("dao: invalid id")
	// ErrUnavailable: the store could not be reached or did not answer in
	// time (server down, network failure, provider timeout). The operation
	// may be retried; for writes, whether it took effect is unknown.
	ErrUnavailable = errors.New("dao: store unavailable")
)

// UniqueViolationError is what a driver returns when a write would break a
// unique index: Fields names the index as the schema declared it (nil when
// the driver cannot tell which index), Err is the native error. The
// portable layer turns it into the user-facing dao.UniqueViolationError.
type UniqueViolationError struct {
	Fields []string // the index's fields, as declared with WithUnique
	Err    error
}

// Error names the fields of the violated index.
func (e *UniqueViolationError) Error() string {
	if len(e.Fields) == 0 {
		return ErrUniqueViolation.Error()
	}
	return ErrUniqueViolation.Error() + " on (" + strings.Join(e.Fields, ", ") + ")"
}

// Is reports whether target is ErrUniqueViolation.
func (e *UniqueViolationError) Is(target error) bool { return target == ErrUniqueViolation }

// Unwrap returns the provider's underlying error, if any.
func (e *UniqueViolationError) Unwrap() error { return e.Err }
