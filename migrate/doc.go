// Package migrate brings a service's database to the schema version the
// service expects before it serves: numbered steps forward, optional steps
// backward, run by one service instance at a time under a leased lock, each
// recorded with its time and duration.
//
//	m, err := mongomigrate.NewMigrator(db, "svcDbVersions", 3, []migrate.Step[*mongo.Database]{
//		{Version: 2, Up: addEmailIndex},
//		{Version: 3, Up: splitNames, Down: joinNames},
//	})
//	if err := m.Migrate(ctx); err != nil { ... } // before serving
//
// Providers: mongomigrate (MongoDB, in Python hexkit's collection layout)
// and memmigrate (in memory, for unit tests). A [Step] receives what it
// changes data through: the *mongo.Database for MongoDB, any value the test
// chose in memory.
//
// # Semantics
//
// Versions are integers. A database never migrated is at version 0;
// version 1 is reserved: it marks that versioning started and is recorded,
// without a step, the first time a migrator runs. Step N brings the
// database from N-1 to N with Up, and from N back to N-1 with Down if it
// has one. A migrator for target version T needs a step for every version
// from 2 to T; steps above T are used only to go down (they need Down).
//
// [Migrator.Migrate] reads the version. At the target it returns at once,
// without taking the lock. Otherwise it takes the lock, reads the version
// again and runs the steps one by one (Up upwards, Down downwards), and
// after each step appends a record: the version reached, the time it was
// reached, whether it went backward, and the step's duration. A step that
// fails stops the run: the steps before it stay recorded, the lock is
// released, and the next Migrate runs the failed step again. A step must
// therefore be safe to run again after it failed or was interrupted half
// way (a migrator that dies mid-step leaves it half done).
//
// The current version is the version of the latest record (by completion
// time, then by version), the rule Python hexkit applies; each record this
// package appends completes at least a millisecond after the one before.
//
// A database above the target is brought down only when every step between
// has a Down; otherwise Migrate refuses with a *[VersionError] (an older
// service instance, which does not know the newer steps, never downgrades
// the database). [Migrator.Check] changes nothing and refuses any version
// but the target: for instances that must not migrate.
//
// # Lock and lease
//
// One lock per version collection. The migrator that takes it holds a
// lease ([WithLease], default 30s) and renews it every quarter of the
// lease while its steps run. If it cannot renew for 4/5 of the lease, it
// cancels the running step's context and returns an error wrapping
// [ErrLockLost] without recording the step and without deleting the lock.
// A migrator that dies (SIGKILL, lost host) stops renewing: its lease
// expires and the next starter takes the lock over and completes the
// migration. Several starters wait for the holder, looking again every
// poll interval ([WithPollInterval], default 1s), as long as their context
// allows; when the holder finishes they find the target version and
// return nil. Of several starters taking over one expired lease, exactly
// one wins.
//
// Lease times are written from the migrators' clocks: the hosts' clocks
// must agree to within a fifth of the lease. A lock without a lease, as
// Python hexkit writes it, is waited for until its holder deletes it.
//
// # Errors
//
// All errors match a sentinel of this package with errors.Is, whichever
// provider made them; context errors are returned unwrapped.
//   - [ErrDatabaseNewer], [ErrDatabaseOlder]: a *[VersionError] naming the
//     database's version and the service's.
//   - [ErrStepFailed]: a *[StepError] naming the step and direction; it
//     also matches the step's own error.
//   - [ErrLockLost]: the lease could not be renewed in time.
//   - [ErrUnavailable]: the database did not answer or failed a request.
//   - [ErrCorrupt]: the version collection holds a document that is not a
//     version record or lock document of this protocol.
//   - [ErrInvalidPlan], [ErrInvalidOption], [ErrInvalidCollection]: a
//     constructor refused its arguments.
//
// # Testing
//
// Unit tests use memmigrate: migrators made on one memmigrate.DB share its
// version collections, as service instances share a database. Package
// migratetest is the conformance suite every provider passes (steps once
// and in order, records, waiting, lease expiry and takeover, refusals).
package migrate
