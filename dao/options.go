package dao

import (
	"fmt"
	"slices"
)

// Option configures a DAO at construction. Every provider accepts the same
// options, so a service configures its fake and its database alike.
type Option func(*options)

type options struct {
	idField      string
	versionField string
	unique       [][]string
	errs         []error
}

// WithIDField names the top-level field (by its json name) that holds the
// document's id. Its Go type must be the DAO's ID type. The default is "id".
// Providers store the id under their own key (MongoDB: _id), and filters and
// sorts on this field use that key.
func WithIDField(name string) Option {
	return func(o *options) { o.idField = name }
}

// WithVersionField turns on optimistic concurrency with the given integer
// field (a top-level json name) as the version. Default: off.
//
// With a version field, Insert stores the document as given; Update and
// Upsert of a stored document succeed only when the document's version
// equals the stored one, and store the document with version+1 (Upsert of a
// missing document stores version+1 too). A stale version fails with
// [ErrConflict]. Callers that keep the value increment its version after a
// successful Update, or Get it again.
func WithVersionField(name string) Option {
	return func(o *options) { o.versionField = name }
}

// WithUnique declares a unique index over one field, or over several
// (compound: the combination must be unique). Fields are json names with
// dots into nested structs and must be scalars (not structs, slices or
// maps) that always hold a value: not pointers, not []byte, not omitempty,
// and not inside a pointer or omitempty struct (databases disagree on
// whether two missing values collide: MongoDB says yes, FerretDB no).
// Default: only the id is unique. Repeat the option for several indexes.
func WithUnique(fields ...string) Option {
	return func(o *options) {
		if len(fields) == 0 {
			o.errs = append(o.errs, fmt.Errorf("%w: WithUnique needs at least one field", ErrInvalidOption))
			return
		}
		o.unique = append(o.unique, slices.Clone(fields))
	}
}

// Sort orders Find's results by one field.
type Sort struct {
	Field      string // json name, dotted into nested structs
	Descending bool
}

// Asc sorts by field, smallest first (null and missing first).
func Asc(field string) Sort { return Sort{Field: field} }

// Desc sorts by field, largest first (null and missing last).
func Desc(field string) Sort { return Sort{Field: field, Descending: true} }

// FindOption configures Find.
type FindOption func(*Query)

// Query is what Find was asked for, resolved by [Schema.Query]: the sort
// keys with the id appended as the final tie-breaker, and the paging.
type Query struct {
	Sort  []Sort
	Skip  int64
	Limit int64 // 0: no limit
}

// OrderBy sorts the results by the given keys, the first one first. Find
// always breaks remaining ties by id ascending, so results come in a
// defined order; without OrderBy they come by id.
func OrderBy(keys ...Sort) FindOption {
	return func(q *Query) { q.Sort = append(q.Sort, keys...) }
}

// Skip leaves out the first n results (after sorting). Default 0.
func Skip(n int64) FindOption { return func(q *Query) { q.Skip = n } }

// Limit returns at most n results; 0, the default, means no limit.
func Limit(n int64) FindOption { return func(q *Query) { q.Limit = n } }
