// Package memkv is the in-memory provider of package kv, for unit tests and
// single-process programs.
//
// # Semantics
//
// A [DB] holds named namespaces; [NewStore] opens a typed [kv.Store] over
// one. It accepts and refuses what every provider does (the checks live in
// package kv), with two exceptions, both of one provider: a key may be a
// directory of another ("a" and "a/b" side by side, as on Redis and
// MongoDB), where an S3 server that keeps objects as files fails the
// second write with kv.ErrConflict; and stores of different value types
// sharing a namespace read each other's entries with their own codecs (as
// on Redis and S3), where MongoDB refuses an entry of another kv.Format
// with kv.ErrInvalidValue. Scan yields keys in ascending byte order (other
// providers promise no order). TTLs are measured by the DB's clock, which
// [WithClock] and [Clock] let a test move by hand, and expiry times are
// cut to a millisecond, as the servers keep them; an expired entry is
// absent at once. Versions change on every write. Values are copied in and
// out, so callers never share memory with the store.
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
