// Package dao is hexkit's typed data access protocol: a [DAO] stores
// documents of a struct type T under ids of type ID, finds them with typed
// filters, sorts and pages them, and reports failures with sentinel
// errors. Services depend on this package only; they get a DAO from a
// provider: dao/memdao in memory, package mongo on MongoDB (tested on
// FerretDB).
//
//	var (
//		userEmail = dao.MustField[User, string]("email")
//		userAge   = dao.MustField[User, int]("age")
//	)
//
//	users, err := memdao.New[User, string](dao.WithUnique(userEmail)) // in memory, or on MongoDB:
//	users, err = mongo.NewDAO[User, string](ctx, db, "users", dao.WithUnique(userEmail))
//
//	err = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org"})
//	for u, err := range users.Find(ctx, userAge.Gte(18), dao.OrderBy(userAge.Desc()).Limit(10)) { ... }
//
// # Semantics
//
// Documents are Go structs whose exported fields carry json tags: the json
// names are the field names of filters, sorts and indexes (dotted into
// nested structs: "address.city"), and the same struct can travel as an
// event payload. Constructors check T once: a missing json name, a bson
// tag, a bson option in a json tag (inline, minsize, truncate: the MongoDB
// driver would act on it, no other provider), an interface or channel
// field, or a slice of slices ([][]int; [][]byte is a slice of binaries
// and is stored) fail with [ErrInvalidDocument]. FerretDB stores no nested
// arrays, so no provider accepts a type that holds them, although MongoDB
// would store them.
//
// Fields: a [Field] names one field of T and the Go type V of its values;
// [NewField] and [MustField] check both against T once. Filters, sort keys
// and the options [WithUnique], [WithVersionField] and [WithIDField] are
// built from fields, so a value of the wrong type, or a filter, sort or
// option of another document type, does not compile. What cannot be known
// at compile time (a comparison on a struct, slice or map field, nil in a
// range operator, a NaN, an infinity or a string that is not valid UTF-8)
// makes a filter that every call refuses with [ErrInvalidFilter] before
// reading anything. There is no filter that takes a field name as a string
// and a value as any: a field chosen at run time is made with NewField,
// which checks it like any other.
//
// Ids: the id is the top-level field named by [WithIDField] (default "id");
// its type is ID: a string type, an integer type, or uuid.UUID. Providers
// store it under their own key (MongoDB: _id). A uuid.UUID, in the id and
// in every other field, compares and sorts as its canonical string (the
// order of its bytes) with every provider; MongoDB stores it as a binary
// UUID (subtype 4), as Python hexkit does.
//
// Writes: Insert adds a new document, Update replaces a stored one
// entirely (no partial updates), Upsert does either, Delete removes one.
// Each call affects one document atomically; there are no multi-document
// transactions (FerretDB has none).
//
// Stored values: a database refuses or silently alters some values, so
// every DAO refuses them before writing, with [ErrInvalidDocument]: a NaN
// or infinite number (FerretDB drops the connection on NaN and refuses
// infinities), a map key that starts with '$' or contains '.' or NUL or is
// not valid UTF-8 (the server refuses it), a string that is not valid
// UTF-8 (FerretDB would store U+FFFD in its place), an unsigned integer
// above math.MaxInt64. An id that is not valid UTF-8 fails with
// [ErrInvalidID] too, also in Get and Delete. A '$' inside a key and the
// empty key are stored.
//
// Filters: Eq, Ne, Gt, Gte, Lt, Lte, In, Nin, Exists on a field, [And],
// [Or]; the zero [Filter] ([All]) matches everything. They follow MongoDB's
// semantics, which every implementation reproduces: a missing field equals
// nil (Eq(nil) on a Field whose V is a pointer), Ne and Nin match documents
// that lack the field, range operators match only values of the same kind.
// Slices can be tested only with Exists; there are no array operators.
//
// Order: Find sorts by the keys of [OrderBy], then by id, so results always
// come in a defined order (by id when no key is given); a key named twice
// fails with ErrInvalidFilter. Values sort in MongoDB's BSON order: null
// and missing first, then numbers, strings (by their UTF-8 bytes, no
// collation), binary, booleans, times. [Skip] and [Limit] apply after
// sorting; [DAO.Count] ignores them.
//
// Unique indexes ([WithUnique]) cover one field or several (compound).
// Their fields must always hold a value (no pointers, []byte or omitempty
// fields), because MongoDB and FerretDB disagree on whether two missing
// values collide. An index on the id field alone fails with
// [ErrInvalidOption]: the id is unique already.
//
// Optimistic concurrency ([WithVersionField]): Update and Upsert of a
// stored document succeed only when the document carries the stored
// version, store version+1 and return it, so the caller can keep working
// with the document without reading it again; otherwise [ErrConflict].
// Without a version field they return 0. The version field is a top-level
// int, int32, int64 or uint32 field, not omitempty; versions are 0 or more
// (a write of a negative one fails with [ErrInvalidDocument]), and a
// version at the largest value of its type cannot be bumped: Update and
// Upsert refuse it with [ErrInvalidDocument].
//
// Precision: times are stored in UTC with millisecond precision, as MongoDB
// keeps them; a time read back equals [TruncateTime] of the time written,
// and filters on times compare at that precision. The in-memory DAO does
// the same.
//
// Find returns an iter.Seq2: documents are read while the loop runs, and
// breaking out of the loop releases the cursor.
//
// # Errors
//
// Every failure the protocol defines has a sentinel, matched with
// errors.Is across providers: [ErrNotFound], [ErrAlreadyExists],
// [ErrUniqueViolation] (a [*UniqueViolationError] naming the index's
// fields), [ErrNoHits], [ErrMultipleHits], [ErrInvalidFilter],
// [ErrConflict], [ErrInvalidDocument], [ErrInvalidID], [ErrInvalidOption]
// (constructors) and [ErrUnavailable] (the store did not answer in time).
// A failed call writes nothing, with one exception: after ErrUnavailable
// (or a context error) a write may or may not have taken effect, as with
// any database; read the document again to know. Context errors are
// returned unwrapped: a canceled call returns context.Canceled itself.
// Providers keep the driver's error reachable with errors.As.
//
// # Testing
//
// Unit-test services against dao/memdao: it stores copies, enforces unique
// indexes and versions, and refuses what the MongoDB provider refuses, as
// both run behind the same checks in this package. Both run the
// conformance suite in dao/daotest, and a parity test feeds the same
// random operations to both and compares every result. A new provider
// proves itself with daotest.Run.
//
// # As
//
// [DAO.As] reaches a provider's native type (the MongoDB provider: its
// *mongo.Collection), for what the protocol does not cover; the in-memory
// DAO has none.
//
// # Providers
//
// A provider implements the small erased interface of package dao/driver
// and returns [New]'s result from its constructor; everything providers
// share (the checks above, version bumps, error wrapping) happens here,
// once.
package dao
