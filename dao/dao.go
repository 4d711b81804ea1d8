package dao

import (
	"context"
	"iter"
)

// DAO is typed data access to one collection of documents of type T whose
// ids have type ID. Implementations are safe for concurrent use.
type DAO[T any, ID comparable] interface {
	// Get returns the document with the given id, or ErrNotFound.
	Get(ctx context.Context, id ID) (T, error)
	// Insert stores a new document. ErrAlreadyExists when its id is
	// taken, ErrUniqueViolation when a unique index is.
	Insert(ctx context.Context, doc T) error
	// Update replaces the stored document with the same id. ErrNotFound
	// when there is none, ErrConflict on a stale version,
	// ErrUniqueViolation when a unique index is taken.
	Update(ctx context.Context, doc T) error
	// Upsert replaces the stored document with the same id, or inserts
	// it. ErrConflict on a stale version, ErrUniqueViolation when a
	// unique index is taken.
	Upsert(ctx context.Context, doc T) error
	// Delete removes the document with the given id, or returns
	// ErrNotFound.
	Delete(ctx context.Context, id ID) error
	// FindOne returns the only document matching the filter: ErrNoHits
	// when none does, ErrMultipleHits when several do.
	FindOne(ctx context.Context, filter Filter) (T, error)
	// Find yields the documents matching the filter, sorted (by id when
	// no OrderBy is given), skipped and limited as the options say. An
	// error is yielded once, with a zero T, and ends the sequence.
	// Stopping the loop early releases the underlying cursor.
	Find(ctx context.Context, filter Filter, opts ...FindOption) iter.Seq2[T, error]
	// Count returns how many documents match the filter.
	Count(ctx context.Context, filter Filter) (int64, error)
}

// Collect drains a Find sequence into a slice, stopping at the first
// error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for doc, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, nil
}
