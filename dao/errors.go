package dao

import (
	"errors"
	"strings"
)

// Sentinel errors shared by every implementation of [DAO]. Implementations
// wrap them, so test with [errors.Is]; a provider's error still reaches the
// driver's own error through [errors.As]. Context errors are returned as
// they are, never wrapped.
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
	// ErrUnavailable: the store could not be reached or did not answer in
	// time (server down, network failure, provider timeout). The operation
	// may be retried; for writes, whether it took effect is unknown.
	ErrUnavailable = errors.New("dao: store unavailable")
)

// UniqueViolationError reports which unique index a write violated. It
// matches [ErrUniqueViolation] with [errors.Is]; Err, when set, is the
// provider's underlying error (reachable with [errors.As]).
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
