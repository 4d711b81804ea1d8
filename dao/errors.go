package dao

import "github.com/hexkit-go/hexkit/dao/driver"

// Sentinel errors shared by every implementation of [DAO]. Implementations
// wrap them, so test with [errors.Is]; a provider's error still reaches the
// driver's own error through [errors.As]. Context errors are returned as
// they are, never wrapped.
var (
	// ErrNotFound: Get, Update or Delete named an id that is not stored.
	ErrNotFound = driver.ErrNotFound
	// ErrAlreadyExists: Insert named an id that is already stored.
	ErrAlreadyExists = driver.ErrAlreadyExists
	// ErrUniqueViolation: a write would store two documents with the same
	// values in the fields of a unique index. The error is a
	// *UniqueViolationError naming the index's fields.
	ErrUniqueViolation = driver.ErrUniqueViolation
	// ErrNoHits: FindOne matched no document.
	ErrNoHits = driver.ErrNoHits
	// ErrMultipleHits: FindOne matched more than one document.
	ErrMultipleHits = driver.ErrMultipleHits
	// ErrInvalidFilter: a field reference names a field the document type
	// lacks or declares another value type (NewField), or a filter, sort
	// or paging option is malformed: a comparison on a struct, slice or map
	// field, a range operator with nil, a NaN or infinite number, a string
	// that is not valid UTF-8, a sort key named twice, a negative skip or
	// limit, an empty Or. Nothing was read.
	ErrInvalidFilter = driver.ErrInvalidFilter
	// ErrConflict: optimistic concurrency failed: Update or Upsert carried a
	// version that is not the stored one. Nothing was written.
	ErrConflict = driver.ErrConflict
	// ErrInvalidDocument: the document type cannot be stored (found by the
	// constructor), or a document holds a value that a database refuses or
	// alters: a NaN or infinite number, a string that is not valid UTF-8,
	// a map key that starts with '$' or contains '.' or NUL, an unsigned
	// integer above the int64 range, a negative version, or (Update and
	// Upsert) a version at the largest value of its type, which cannot
	// count one more write. Nothing was written.
	ErrInvalidDocument = driver.ErrInvalidDocument
	// ErrInvalidID: an id that cannot be stored (a string that is not
	// valid UTF-8), given to Get or Delete or held by a written document
	// (which fails with ErrInvalidDocument too). Nothing was read or
	// written.
	ErrInvalidID = driver.ErrInvalidID
	// ErrInvalidOption: a constructor option is invalid, for example a
	// unique index on a field that can be missing.
	ErrInvalidOption = driver.ErrInvalidOption
	// ErrUnavailable: the store could not be reached or did not answer in
	// time (server down, network failure, provider timeout). The operation
	// may be retried; for writes, whether it took effect is unknown.
	ErrUnavailable = driver.ErrUnavailable
)

// UniqueViolationError reports which unique index a write violated. It
// matches [ErrUniqueViolation] with [errors.Is]; Err, when set, is the
// provider's underlying error (reachable with [errors.As]).
type UniqueViolationError struct {
	Fields []string // the index's fields (json paths), as declared with WithUnique
	Err    error
}

// Error names the fields of the violated index.
func (e *UniqueViolationError) Error() string {
	return (&driver.UniqueViolationError{Fields: e.Fields}).Error()
}

// Is reports whether target is ErrUniqueViolation.
func (e *UniqueViolationError) Is(target error) bool { return target == ErrUniqueViolation }

// Unwrap returns the provider's underlying error, if any.
func (e *UniqueViolationError) Unwrap() error { return e.Err }
