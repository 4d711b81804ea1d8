// Package mongo is the MongoDB provider of the [dao.DAO] protocol (and of
// the kv and outbox protocols), built on mongo-driver v2. It is tested
// against FerretDB (MongoDB wire protocol, SQLite backend), the server
// hexkit's CI runs, and written to work on MongoDB too.
//
//	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(uri), Database: "shop", Timeout: 5 * time.Second})
//	defer db.Close(ctx)
//	users, err := mongo.NewDAO[User, string](ctx, db, "users", dao.WithUnique(userEmail))
//
// [Open] dials from a [Config] and owns the client it made; [New] wraps a
// *mongo.Database of a client the caller built (with any options: the DAOs
// encode and decode with their own settings) and keeps owning. [NewDAO]
// returns a dao.DAO[T, ID] for one collection of either.
//
// # Storage
//
// Documents are encoded with the json struct tags (the driver's
// UseJSONStructTags; package dao refuses the bson options inline, minsize
// and truncate in them), so one struct serves events and documents, and
// decoded by the driver straight into T. The id field is stored as _id,
// and filters and sorts on it use _id. uuid.UUID values, ids included, are
// stored as binary UUIDs (subtype 4), as Python hexkit stores them, and
// filters on uuid.UUID fields compare binary UUIDs; a UUID stored as its
// canonical string (by hexkit before it stored binaries) still decodes,
// but filters and ids no longer match it. Binary UUIDs sort in the order of
// their canonical strings. Times are BSON datetimes: UTC, millisecond
// precision. Unique indexes are created by NewDAO under the
// names hexkit_unique_<fields>; creating them again is a no-op, so every
// service instance may call NewDAO at start.
//
// # Collection names
//
// Every constructor that takes a collection name (NewDAO, NewKV,
// NewOutboxDAO, NewPersistentPublisher) accepts only names that MongoDB
// and FerretDB both accept: 1 to 235 bytes of valid UTF-8, without '$',
// '"' or NUL, not starting with '.', "system." or "_ferretdb_". (FerretDB's
// SQLite backend cannot create a collection whose name holds '"': every
// command on it fails with an SQL syntax error.) Package wiring
// applies the same rule to its memory backend, so a name that works in
// unit tests works on the server.
//
// # Semantics
//
// The protocol's semantics (package dao) hold; package dao checks every
// document, id and filter before this provider sees it, and this provider
// translates each call into one MongoDB command (Find, FindOne,
// CountDocuments, InsertOne, ReplaceOne, DeleteOne), with a few
// exceptions:
//   - A duplicate key error is attributed to an index. MongoDB names the
//     index in its error; FerretDB does not, so the DAO then looks the
//     conflicting id and unique values up with extra queries (on the error
//     path only).
//   - Update with a version reads the document once more when nothing
//     matched, to tell ErrConflict from ErrNotFound. A stored document
//     without the version field (or null there), as another program may
//     write it, has version 0: it reads so, and Update and Upsert with
//     version 0 replace it.
//   - FerretDB v1 evaluates an update's filter and writes the document in
//     two steps, so two concurrent conditional replaces of one document can
//     both succeed there. The DAOs built on one DB for one collection
//     therefore serialize their versioned writes per id together.
//     Optimistic concurrency across DB values and processes is only as
//     strong as the server: exact on MongoDB, best effort on FerretDB v1.
//
// Timeouts: with [Config.Timeout] (Open) or [WithTimeout] (New), every
// call, including waiting for an unreachable server and each batch a Find
// reads, fails with dao.ErrUnavailable after at most that long, even when
// the caller's context allows longer; a shorter context deadline wins and
// is returned as the context's error. The same DAO works again once the
// server is back.
//
// FerretDB has no multi-document transactions, and the protocol needs
// none: every write touches one document.
//
// # FerretDB
//
// Found while testing against FerretDB v1.24 (SQLite backend), and handled
// by this package or by package dao:
//   - duplicate key errors name neither the index nor the key;
//   - a unique index violated by an update comes back as an InternalError
//     ("UNIQUE constraint failed"), not as code 11000;
//   - conditional replaces are not atomic under concurrency (see above);
//   - two missing values do not collide in a unique index (they do in
//     MongoDB), hence dao.WithUnique's rule;
//   - one createIndexes command re-creating several existing indexes drops
//     the connection, and creating an index under a taken name keeps the old
//     index silently: NewDAO creates indexes one by one and then checks them;
//   - a NaN drops the connection, infinities and map keys starting with '$'
//     or holding '.' or invalid UTF-8 are refused (code 2, BadValue), and
//     invalid UTF-8 in a string value or an id is stored as U+FFFD without
//     an error: package dao refuses all of these before writing;
//   - a negative zero comes back as zero (dao/memdao does the same).
//
// # Outbox
//
// [NewOutboxDAO], [NewRelay] and [NewPersistentPublisher] are the MongoDB
// provider of package outbox, in Python hexkit 9's storage layout, so a Go
// service can take over a Python service's collections, and the reverse:
//   - An outbox document is the document of [NewDAO] plus
//     "__metadata__": {deleted, published (booleans), correlation_id (a
//     binary UUID, subtype 4), last_event_id (a binary UUID or null)}, and a
//     key "stamp" of this package's own, a string that changes with every
//     write so that the relay never marks a newer write as published.
//     Python hexkit ignores it and drops it when it rewrites a document; a
//     pending document without one is stamped when the relay reads it. A
//     deletion leaves a tombstone {_id, __metadata__: {deleted: true, ...}};
//     reads leave tombstones out with Python's filter ($or: no metadata, or
//     deleted false). Documents without metadata (written by a plain DAO)
//     are live and published; Republish gives them metadata.
//   - A persistent event is {_id: compaction key, topic, payload (the JSON
//     object as a BSON document: integers as int32 or int64, other numbers
//     as doubles), key, type_, event_id, headers, correlation_id (binary
//     UUIDs), created (a datetime), published, stamp}. The relay sends the
//     payload as it reads it back: the same JSON value in this package's
//     own spelling, except that the number -0 comes back as 0. Python hexkit names
//     its collection "<service name>PersistedEvents".
//   - The relay lease is a document {_id: lease name, owner, until} in
//     [LeaseCollection].
//
// Every write is one document write carrying its metadata, so a crash
// never separates a change from its publication state. Ids become event
// keys as Python hexkit writes them: a string as it is, an integer in
// decimal, a UUID (stored as a binary UUID) in its canonical form.
//
// Polling: the relay finds pending changes with one query per collection
// on an index that NewOutboxDAO creates (hexkit_outbox_published, on
// __metadata__.published) and events on hexkit_outbox_pending_events
// ({published, created, _id}), so on MongoDB a poll costs the same
// whatever the size of the collection. FerretDB v1 (SQLite) uses no index
// but _id's: it reads the whole collection for every poll (about a second
// for 10,000 documents on a busy two-core machine), so on FerretDB raise
// outbox.WithPollInterval with the size of the collections. A write wakes
// the relay of its own process at once, with no poll; a write of another
// process is found at the next poll (500ms by default). On FerretDB the
// outbox's conditional writes (Update, Delete, marks) read the document by
// id and write it by id, the only lookups FerretDB does not turn into a
// scan, and the marks of a batch reach it in update commands of at most 50
// statements (FerretDB v1.24 hangs on a command of 100 or more).
//
// FerretDB: FerretDB v1 evaluates an update's filter and writes the
// document in two steps. The provider therefore serializes, per id, every
// write, stamp and mark of an outbox collection (and of an event store)
// within one process, across every DAO or publisher of the same DB and
// collection; on MongoDB each of these is atomic anyway. Across processes
// on FerretDB this is best effort: FerretDB rewrites the whole document it
// read, so a write of another process landing between a mark's (or a
// stamp's) read and its write is overwritten by the older state, and lost;
// and the relay lease is best effort too (see [NewRelay]). On FerretDB,
// run the writers and the relay of one outbox collection in one process
// (several processes taking turns, as after a restart, are fine), or use
// MongoDB. A persistent event whose payload MongoDB or FerretDB could not
// store as it is (nested arrays, keys that start with '$' or hold '.' or
// NUL, integers beyond int64) is refused by package outbox before it
// reaches the server, with events.ErrInvalidMessage, as with every
// provider (see outbox.PersistentPublisher).
//
// MongoDB: a unique index (dao.WithUnique) indexes a tombstone's missing
// fields as null, so on MongoDB (not on FerretDB) a second tombstone in a
// collection with a unique index fails with a unique violation, as it does
// under Python hexkit.
//
// # Errors
//
// Driver errors are mapped in one function: no document to
// dao.ErrNotFound; duplicate keys to dao.ErrAlreadyExists (the id),
// *dao.UniqueViolationError (another unique index) or dao.ErrConflict (a
// versioned Upsert whose id holds another version, or an Upsert that lost
// the race for its id to other writers four times in a row); timeouts, network
// errors and server selection failures to dao.ErrUnavailable; a value the
// server refuses (BadValue) to dao.ErrInvalidDocument in a write and
// dao.ErrInvalidFilter in a read. The caller's context error is returned
// unwrapped. Other errors keep the driver's error, reachable with
// errors.As (for example mongo.WriteException). [Open] and [New] fail with
// [ErrInvalidConfig] for a bad configuration, and Open with
// dao.ErrUnavailable when the server does not answer its ping.
//
// # As
//
// A DAO's As reaches its *mongo.Collection; [DB.As] reaches the
// *mongo.Database, and the *mongo.Client of a DB made by Open. Both serve
// what the protocol does not cover.
//
// # Testing
//
// The conformance suite dao/daotest runs against the server named by
// HEXKIT_MONGO_URI, with a parity test that compares every result with
// dao/memdao, a restart test that stops and starts a private FerretDB
// under a running workload, and a timeout test that stalls the server
// behind a proxy. The outbox tests read the stored BSON back field by
// field, check the tombstone and stamp rules with documents as Python
// hexkit writes them, run writers concurrently with the relay, and publish
// end to end to Apache Kafka; the outbox conformance suite outbox/outboxtest
// runs with the in-memory broker, kfake and Apache Kafka. go run ./internal/bench mongo compares the
// DAO with the raw driver.
package mongo
