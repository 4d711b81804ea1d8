// Package kv is the key-value store protocol: a [Store] of values of type V
// under string keys, for sessions, rate-limit counters, idempotency keys,
// cached tokens and small configuration.
//
// Services depend on [Store]; a provider builds it: memkv.NewStore (in
// memory, for tests), mongo.NewKV (MongoDB, FerretDB), s3.OpenKV and
// s3.NewKV (S3), redis.NewKV (Redis). Every provider passes the
// conformance suite kvtest, so what is written here holds for all of them.
// The server-backed ones store entries in the layout of Python hexkit 9's
// stores, so Go and Python services can share a store.
//
// # Semantics
//
// Get returns [ErrNotFound] for an absent key; [GetOr] returns a default
// instead. Set creates or replaces; Delete of an absent key is not an
// error; Exists reports presence.
//
// Values are encoded by the store's [Codec], chosen by V: []byte stored as
// is, string as UTF-8 text, int64 as decimal text, any other type as JSON
// (encoding/json). [WithCodec] chooses another, for example [JSON] for a
// string stored as a JSON text. No reflection is needed in user code.
// JSON values are stored as documents where the backend has them
// (MongoDB), so every store refuses a JSON value with an object key that
// starts with '$' or holds '.' or NUL, or an integer outside the int64
// range ([ErrInvalidValue]).
//
// Keys are non-empty valid UTF-8 of at most [MaxKeyLen] bytes without a
// NUL byte, whose '/'-separated segments are non-empty, not "." or "..",
// and at most [MaxSegmentLen] bytes (S3 servers on file systems refuse the
// others); any other key is refused with a [*KeyError] before the backend
// is asked. Within that, every byte is allowed ('/', '.', '$', spaces).
//
// Expiry: [WithTTL] makes an entry expire; from then on it is absent in
// every method on every backend (backends without native expiry check it
// on read and remove expired entries later). A Set without WithTTL clears
// a previous expiry. [Entry.ExpiresAt] reports it.
//
// Compare-and-set: every change of the value gives the entry a new opaque
// [Version].
// Set with [IfVersion] writes only if the entry still has that version,
// and with [IfAbsent] only if the key is absent; otherwise it fails with
// [ErrConflict] and writes nothing. Read with GetEntry, change, write with
// IfVersion, and retry on ErrConflict: concurrent writers never lose an
// update.
//
// Increment adds to an int64 counter atomically (a Store[int64] with the
// default codec); an absent key counts as 0, and WithTTL sets the expiry
// when Increment creates the key, which makes fixed-window rate limits.
//
// Scan yields the entries under a key prefix as an [iter.Seq2], in no
// particular order. GetMany and SetMany read and write several keys; SetMany
// checks every key and value before writing any, but its writes are not
// atomic together.
//
// # Errors
//
// Every error wraps one of this package's sentinels ([ErrNotFound],
// [ErrConflict], [ErrInvalidKey], [ErrInvalidValue], [ErrInvalidOption],
// [ErrUnsupported], [ErrUnavailable], [ErrClosed]), the same on every
// provider; test with [errors.Is]. A provider's native error stays
// reachable with [errors.As]. Context errors are returned unwrapped.
//
// # Testing
//
// Use the in-memory provider memkv in unit tests: it refuses exactly what
// the servers refuse, and its clock can be moved by hand to test expiry.
// Providers run the conformance suite kvtest.
//
// # As
//
// As reaches a provider's native client (see each provider's
// documentation); memkv reports false.
package kv
