// Package memdao is the in-memory implementation of the [dao.DAO]
// protocol, for unit tests and for services that run without a database.
//
// # Semantics
//
// It behaves like the MongoDB provider, down to the details: it stores
// normalized copies of documents (times in UTC at millisecond precision,
// omitempty fields left out, fields without a json name dropped) and
// returns fresh copies on every read, so callers never share memory with
// it; it enforces unique indexes and optimistic concurrency; it rejects
// filters and sorts on unknown fields; it matches and sorts with MongoDB's
// rules (BSON type order, missing fields as null, nested fields, ties
// broken by id). Find computes its result when the loop starts; later
// writes do not change it.
//
// A DAO is safe for concurrent use. Its data lives as long as the value.
//
// # Errors
//
// The sentinels of package dao, as every provider returns them. A canceled
// context is returned as it is, before anything is read or written.
//
// # Testing
//
// memdao passes the conformance suite in dao/daotest, and a parity test
// runs the same random operations on memdao and on the MongoDB provider
// (against FerretDB) and compares every result.
package memdao
