// Package dao is hexkit's typed data access protocol: a [DAO] stores
// documents of a struct type T under ids of type ID, finds them with typed
// filters, sorts and pages them, and reports failures with sentinel
// errors. Domain code depends on this package only; providers implement
// it: dao/memdao in memory, package mongo on MongoDB (tested on FerretDB).
//
//	users, err := memdao.New[User, string](dao.WithUnique("email"))
//	users, err := mongo.NewDAO[User, string](ctx, db, "users", dao.WithUnique("email"))
//
//	err = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org"})
//	for u, err := range users.Find(ctx, dao.Gte("age", 18), dao.OrderBy(dao.Desc("age")), dao.Limit(10)) { ... }
//
// # Semantics
//
// Documents are Go structs whose exported fields carry json tags: the json
// names are the field names of filters, sorts and indexes (dotted into
// nested structs: "address.city"), and the same struct can travel as an
// event payload. Constructors check T once ([NewSchema]): a missing json
// name, a bson tag, an interface or channel field fail with
// [ErrInvalidDocument].
//
// Ids: the id is the top-level field named by [WithIDField] (default "id");
// its type is ID: a string type, an integer type, or uuid.UUID. The DAO
// reads it with reflection inside hexkit; user code needs none. Providers
// store it under their own key (MongoDB: _id). A uuid.UUID is stored as
// its canonical string, in the id and in every other field, so ids and
// uuids sort by that string everywhere.
//
// Writes: Insert adds a new document, Update replaces a stored one
// entirely (no partial updates), Upsert does either, Delete removes one.
// Each call affects one document atomically; there are no multi-document
// transactions (FerretDB has none).
//
// Filters: [Eq], [Ne], [Gt], [Gte], [Lt], [Lte], [In], [Nin], [Exists],
// [And], [Or]; the zero [Filter] matches everything. They follow MongoDB's
// semantics, which every implementation reproduces: a missing field equals
// nil, Ne and Nin match documents that lack the field, range operators
// match only values of the same kind, numbers compare across integer and
// float types. A filter is checked when it is used: unknown fields, values
// of the wrong kind, and comparisons on structs, slices or maps fail with
// [ErrInvalidFilter] before anything is read. Slices can be tested only
// with Exists; there are no array operators.
//
// Order: Find sorts by the keys of [OrderBy], then by id, so results always
// come in a defined order (by id when no key is given). Values sort in
// MongoDB's BSON order: null and missing first, then numbers, strings (by
// their UTF-8 bytes, no collation), binary, booleans, times. [Skip] and
// [Limit] apply after sorting; [DAO.Count] ignores them.
//
// Unique indexes ([WithUnique]) cover one field or several (compound).
// Their fields must always hold a value (no pointers, []byte or omitempty
// fields), because MongoDB and FerretDB disagree on whether two missing
// values collide.
//
// Optimistic concurrency ([WithVersionField]): Update and Upsert of a
// stored document succeed only when the document carries the stored
// version, and store version+1; otherwise [ErrConflict].
//
// Precision: times are stored in UTC with millisecond precision, as MongoDB
// keeps them; a time read back equals [TruncateTime] of the time written,
// and filters on times compare at that precision. The in-memory DAO does
// the same. Integers are stored as 64-bit signed numbers: an unsigned value
// above math.MaxInt64 fails with [ErrInvalidDocument].
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
// [ErrConflict], [ErrInvalidDocument], [ErrInvalidOption] (constructors)
// and [ErrUnavailable] (the store did not answer in time). A failed call
// writes nothing. Context errors are returned unwrapped: a canceled call
// returns context.Canceled itself. Providers keep the driver's error
// reachable with errors.As.
//
// # Testing
//
// Unit-test services against dao/memdao: it stores copies, enforces unique
// indexes and versions, validates filters and sorts exactly like the
// MongoDB provider. Both run the conformance suite in dao/daotest, and a
// parity test feeds the same random operations to both and compares every
// result. A new implementation proves itself with daotest.Run.
package dao
