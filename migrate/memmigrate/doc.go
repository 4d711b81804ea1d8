// Package memmigrate is the in-memory provider of the [migrate.Migrator]
// protocol, for unit tests: a [DB] holds version collections (records and
// lock) in memory, and migrators made by [NewMigrator] on one DB share
// them as migrators of several service instances share a MongoDB
// database. It passes the same conformance suite (migrate/migratetest) as
// the MongoDB provider, leases and takeovers included.
//
// The steps receive the h given to NewMigrator: whatever the test's steps
// change (a dao/memdao DAO, a map, a struct of stores).
//
// # Semantics
//
// Those of package migrate. The DB is one lock-protected value, so every
// operation is atomic; a lease expires by the clock as it does on MongoDB.
// Nothing is persisted: a new DB is a database never migrated.
//
// # Testing
//
// The DB is the shared database: give every migrator of one simulated
// database the same DB and version collection name.
package memmigrate
