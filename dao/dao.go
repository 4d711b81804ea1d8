package dao

import (
	"context"
	"iter"
	"time"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// DAO is typed data access to one collection of documents of type T whose
// ids have type ID. Every provider constructor returns one
// (memdao.New, mongo.NewDAO); implementations are safe for concurrent use.
type DAO[T any, ID comparable] interface {
	// Get returns the document with the given id, or ErrNotFound.
	Get(ctx context.Context, id ID) (T, error)
	// Insert stores a new document. ErrAlreadyExists when its id is
	// taken, ErrUniqueViolation when a unique index is.
	Insert(ctx context.Context, doc T) error
	// Update replaces the stored document with the same id and returns
	// the version it now carries (the document's version + 1 with
	// WithVersionField, 0 without). ErrNotFound when there is none,
	// ErrConflict on a stale version, ErrInvalidDocument on a version at
	// the largest value of its type, ErrUniqueViolation when a unique
	// index is taken.
	Update(ctx context.Context, doc T) (version int64, err error)
	// Upsert replaces the stored document with the same id, or inserts it,
	// and returns the version it now carries, as Update does. ErrConflict
	// on a stale version, ErrInvalidDocument on a version at the largest
	// value of its type, ErrUniqueViolation when a unique index is taken.
	Upsert(ctx context.Context, doc T) (version int64, err error)
	// Delete removes the document with the given id, or returns
	// ErrNotFound.
	Delete(ctx context.Context, id ID) error
	// FindOne returns the only document matching the filter: ErrNoHits
	// when none does, ErrMultipleHits when several do.
	FindOne(ctx context.Context, filter Filter[T]) (T, error)
	// Find yields the documents matching the filter, sorted (by id when
	// no OrderBy is given), skipped and limited as the options say. An
	// error is yielded once, with a zero T, and ends the sequence.
	// Stopping the loop early releases the underlying cursor.
	Find(ctx context.Context, filter Filter[T], opts ...FindOption[T]) iter.Seq2[T, error]
	// Count returns how many documents match the filter.
	Count(ctx context.Context, filter Filter[T]) (int64, error)
	// As sets target, a pointer to a native type of the provider, and
	// reports whether it could (see each provider's "# As" section). The
	// in-memory DAO has none.
	As(target any) bool
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

// TruncateTime returns t as a database keeps it: in UTC, truncated to the
// millisecond (towards the past for times before 1970). A time read back
// from a DAO equals TruncateTime of the time written.
func TruncateTime(t time.Time) time.Time { return driver.TruncateTime(t) }
