// Package mongomigrate is the MongoDB provider of the [migrate.Migrator]
// protocol, built on mongo-driver v2, tested against FerretDB and written
// to work on MongoDB too. Its collection layout is Python hexkit's
// (providers/mongodb/migrations), so a service ported from Python keeps
// its history, and Python hexkit's check_db_version accepts what it
// writes.
//
//	db, err := mongo.Open(ctx, mongo.Config{URI: uri, Database: "svc"})
//	m, err := mongomigrate.NewMigrator(db, "svcDbVersions", 3, steps)
//	err = m.Migrate(ctx) // before serving
//
// Each step receives db's *mongo.Database (package
// go.mongodb.org/mongo-driver/v2/mongo).
//
// # Storage
//
// One version collection (Python hexkit's db_version_collection) holds:
//   - version records, one per step and one for version 1:
//     {_id: ObjectId, version: int32, completed: date, backward: bool,
//     total_duration_ms: int64};
//   - the lock document {_id: 0, lock_acquired: true, acquired_at: date,
//     owner: string, expires_at: date}. Python hexkit writes and deletes
//     the same document without owner and expires_at; hexkit-go waits for
//     such a lock until it is deleted, and Python hexkit waits for
//     hexkit-go's lock as for its own.
//
// The collection coll+"_takeovers" holds one small document per lease
// ever taken over ({_id: "<owner>/<expiry in ms>", owner, at}); it stays
// empty unless a migrator died holding the lock.
//
// # Semantics
//
// Those of package migrate. Taking the lock is an insert of the lock
// document (its _id is unique). Taking over an expired lease is an insert
// of a claim named after that lease into the takeovers collection, then a
// replace of the lock document: FerretDB v1 evaluates an update's filter
// and writes the document in two steps, so a conditional update alone
// would let two starters win. Renewing is an update of expires_at filtered
// by owner, releasing a delete filtered by owner. The same non-atomic
// update makes a renewal that reaches FerretDB more than a fifth of the
// lease late able to overwrite a takeover; the migrator never sends one
// that late by its own clock.
//
// FerretDB has no transactions: a step's writes are not undone when it
// fails. Python hexkit's MigrationDefinition stages changed collections
// under temporary names for this reason; hexkit-go's steps are plain
// functions and must be written to run again.
//
// Timeouts: the client's settings and the caller's context bound each
// call (a DB made by mongo.Open applies its Config.Timeout to calls whose
// context has no deadline; mongo.WithTimeout of a DB made by mongo.New
// does not apply here). Bound Migrate's waiting with the context.
//
// # Errors
//
// Every error matches a sentinel of package migrate. Driver errors are
// mapped in one function: every failed request (a timeout, a network
// error, a closed client, a command the server refused) wraps
// migrate.ErrUnavailable, and errors.As reaches the driver's error. A
// document of the version collection that does not decode as a version
// record or the lock document (a version that is not an integer, a date
// field of another type) wraps migrate.ErrCorrupt, naming the document's
// _id and the field. The caller's context error is returned unwrapped. A
// nil DB wraps [ErrInvalidConfig] and migrate.ErrInvalidOption.
//
// # Testing
//
// The tests run the migrate/migratetest conformance suite against the
// server from HEXKIT_MONGO_URI, start three processes of the test binary
// at once (each step runs once), SIGKILL a migrator mid-step (the next
// process completes after the lease expires), and, in internal/interop,
// continue a database migrated by Python hexkit. Unit tests of a service
// use memmigrate instead.
package mongomigrate
