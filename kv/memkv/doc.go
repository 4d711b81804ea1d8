// Package memkv is the in-memory provider of package kv, for unit tests and
// single-process programs.
//
// # Semantics
//
// A [DB] holds named namespaces; [NewStore] opens a typed [kv.Store] over
// one. It accepts and refuses exactly what every provider does (the checks
// live in package kv). Scan yields keys in ascending byte order (other
// providers promise no order). TTLs are measured by the DB's clock, which
// [WithClock] and [Clock] let a test move by hand; an expired entry is
// absent at once. Values are copied in and out, so callers never share
// memory with the store.
//
// # Errors
//
// The kv sentinels, and [ErrInvalidConfig] for a nil clock or a nil *DB.
//
// # Testing
//
// memkv passes the conformance suite kvtest in every go test.
//
// # As
//
// As reports false: there is no native client.
package memkv
