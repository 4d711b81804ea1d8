package dao

import (
	"fmt"
)

// Option configures a DAO of documents of type T at construction. Every
// provider accepts the same options, so a service configures its fake and
// its database alike. Options are checked once, by the constructor; an
// invalid one fails it with [ErrInvalidOption].
type Option[T any] func(*options[T])

type options[T any] struct {
	idField      string
	versionField string
	unique       [][]string
	errs         []error
}

// WithIDField names the top-level field that holds the document's id. Its
// Go type must be the DAO's ID type. The default is the field named "id".
// Providers store the id under their own key (MongoDB: _id), and filters
// and sorts on this field use that key.
func WithIDField[T any, ID comparable](f Field[T, ID]) Option[T] {
	return func(o *options[T]) {
		if o.check(f.ref(), "WithIDField") {
			o.idField = f.path
		}
	}
}

// WithVersionField turns on optimistic concurrency with the given
// top-level integer field as the version. The field must not be the id
// field nor omitempty (a version 0 would then not be stored, and
// databases cannot compare a missing version). Default: off.
//
// With a version field, Insert stores the document as given; Update and
// Upsert of a stored document succeed only when the document's version
// equals the stored one, store the document with version+1 (Upsert of a
// missing document stores version+1 too) and return that new version. A
// stale version fails with [ErrConflict]. Versions are 0 or more: Insert,
// Update and Upsert refuse a document with a negative version with
// [ErrInvalidDocument]. A version at the largest value of its type
// (math.MaxInt32 for an int32) has no version+1: Update and Upsert refuse
// such a document with [ErrInvalidDocument], whatever is stored. A refused
// write writes nothing.
func WithVersionField[T any, V int | int32 | int64 | uint32](f Field[T, V]) Option[T] {
	return func(o *options[T]) {
		if o.check(f.ref(), "WithVersionField") {
			o.versionField = f.path
		}
	}
}

// WithUnique declares a unique index over one field, or over several
// (compound: the combination must be unique). Fields must be scalars (not
// structs, slices or maps) that always hold a value: not pointers, not
// []byte, not omitempty, and not inside a pointer or omitempty struct
// (databases disagree on whether two missing values collide: MongoDB says
// yes, FerretDB no). The id field alone is refused: it is unique already
// (MongoDB refuses a unique index on _id); it may be part of a compound
// index. Default: only the id is unique. Repeat the option for several
// indexes.
func WithUnique[T any](fields ...AnyField[T]) Option[T] {
	return func(o *options[T]) {
		if len(fields) == 0 {
			o.errs = append(o.errs, fmt.Errorf("%w: WithUnique needs at least one field", ErrInvalidOption))
			return
		}
		paths := make([]string, len(fields))
		for i, f := range fields {
			if f == nil || !o.check(f.ref(), "WithUnique") {
				if f == nil {
					o.errs = append(o.errs, fmt.Errorf("%w: WithUnique: nil field", ErrInvalidOption))
				}
				return
			}
			paths[i] = f.ref().path
		}
		o.unique = append(o.unique, paths)
	}
}

// check records an error for a zero Field.
func (o *options[T]) check(f fieldRef[T], opt string) bool {
	if f.path == "" {
		o.errs = append(o.errs, fmt.Errorf("%w: %s: a zero Field; make fields with NewField or MustField", ErrInvalidOption, opt))
		return false
	}
	return true
}
