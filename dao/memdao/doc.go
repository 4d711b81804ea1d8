// Package memdao is the in-memory provider of the [dao.DAO] protocol, for
// unit tests and for services that run without a database.
//
//	users, err := memdao.New[User, string](dao.WithUnique(userEmail))
//
// # Semantics
//
// It behaves like the MongoDB provider, down to the details: it runs behind
// the same checks of package dao (document type, options, filters, refused
// values such as NaN or invalid UTF-8), stores normalized copies of documents
// (times in UTC at millisecond precision, negative zero as zero as FerretDB
// returns it, omitempty fields left out, fields without a json name dropped,
// a pointer to a nil pointer, slice or map as a nil pointer, as the null
// MongoDB stores for it reads back) and returns fresh copies on every read, so callers never share memory with
// it; it enforces unique indexes and optimistic concurrency; it matches and
// sorts with MongoDB's rules (BSON type order, missing fields as null, nested
// fields, ties broken by id). Find computes its result when the loop starts;
// later writes do not change it.
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
//
// # As
//
// There is no native type: As reports false.
package memdao
