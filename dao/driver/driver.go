package driver

import "context"

// Schema is what a driver learns about the document type, once, in
// [Collection.Init]. The portable layer has checked it: the fields exist,
// unique fields are scalars that always hold a value, the version field is
// a top-level integer.
type Schema struct {
	// IDField is the json name of the top-level field that holds the id
	// ("id" unless dao.WithIDField says otherwise). A driver may store the
	// id under its own key (MongoDB: _id); filters and sorts name it by
	// IDField.
	IDField string
	// VersionField is the json name of the top-level integer version
	// field, or "" without optimistic concurrency.
	VersionField string
	// Unique lists the unique indexes in declaration order, each as the
	// dotted json paths of its fields.
	Unique [][]string
	// Fields lists the json names of the document's top-level fields, in
	// the order of its type, for drivers that keep fields of their own
	// beside the document's (an outbox collection's metadata).
	Fields []string
}

// Sort is one key of a [Query].
type Sort struct {
	Field      string // dotted json path of a scalar field
	Descending bool
}

// Query is a checked Find.
type Query struct {
	Filter Filter
	// Sort lists the keys, the first one first. For Find it always ends
	// with the id field, so the order is total; for FindOne it is empty and
	// any order will do.
	Sort  []Sort
	Skip  int64 // >= 0
	Limit int64 // >= 0; 0 means no limit
}

// Replace is a checked Update or Upsert.
type Replace struct {
	ID  Value // the document's id, as in Doc
	Doc any   // a *T holding the document to store, version already set (it fits its field)
	// Upsert: insert Doc when no document has ID (an Update otherwise).
	Upsert bool
	// Versioned: the stored document with ID must carry the version
	// Version, or the write fails with ErrConflict (an Upsert of a missing
	// id inserts).
	Versioned bool
	Version   int64
}

// Collection is what a provider implements: one collection of documents
// of a struct type T, erased. Package dao wraps it (dao.New) into the typed
// dao.DAO[T, ID], and does everything providers share before calling it:
// the documents, ids and filters a Collection receives are valid (no NaN
// or infinities, valid UTF-8, no map keys a database refuses), versions
// are already bumped, and the context is not done yet. A Collection
// translates, maps its errors to this package's sentinels in one place,
// and nothing more. Context errors pass through unwrapped.
//
// Documents travel as a pointer to T (doc any is a *T), so that a driver
// encodes and decodes with its own struct mapping (json tag names), with
// no intermediate form. Methods must be safe for concurrent use.
type Collection interface {
	// Init is called once by dao.New, before any other method, with the
	// checked schema. A database creates its unique indexes here; an
	// index it cannot create fails with ErrInvalidOption.
	Init(ctx context.Context, s Schema) error
	// Get decodes the document with the given id into doc, or returns
	// ErrNotFound. The caller sets the id field itself afterwards.
	Get(ctx context.Context, id Value, doc any) error
	// Insert stores doc (whose id is id): ErrAlreadyExists when the id is
	// taken (this wins over a unique index), *UniqueViolationError when a
	// unique index is.
	Insert(ctx context.Context, id Value, doc any) error
	// Replace stores r.Doc in place of the document with r.ID, or inserts
	// it for an upsert: ErrNotFound (an Update of a missing id),
	// ErrConflict (a versioned write whose id holds another version),
	// *UniqueViolationError. Concurrent upserts of one new id all succeed.
	Replace(ctx context.Context, r Replace) error
	// Delete removes the document with the given id, or returns
	// ErrNotFound.
	Delete(ctx context.Context, id Value) error
	// Find starts a query. The cursor yields the documents matching
	// q.Filter in the order of q.Sort, after q.Skip, at most q.Limit.
	Find(ctx context.Context, q Query) (Cursor, error)
	// Count returns how many documents match f.
	Count(ctx context.Context, f Filter) (int64, error)
	// As sets target, a pointer to a native type of the provider, and
	// reports whether it could.
	As(target any) bool
}

// Cursor is the result of [Collection.Find], read one document at a time.
// The caller always calls Close.
type Cursor interface {
	// Next advances to the next document and reports whether there is one;
	// false at the end or on an error (see Err).
	Next(ctx context.Context) bool
	// Decode decodes the current document into doc (a *T). id points to
	// doc's id field: a driver that keeps the id apart from the other
	// fields (MongoDB's _id) decodes it there.
	Decode(doc, id any) error
	// Err returns the error that ended the iteration, if any.
	Err() error
	// Close releases the cursor.
	Close(ctx context.Context) error
}
