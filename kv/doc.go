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
// (MongoDB), so every store refuses a JSON value that a document cannot
// hold: an object key that starts with '$' or holds '.' or NUL, a key
// twice in one object, an integer outside the int64 range (encoding/json
// writes a float64 from 2^63 up to 1e21 as one) or a number outside the
// float64 range ([ErrInvalidValue]). MongoDB gives a JSON
// value back re-encoded from the document, where the other providers give
// back the text as written: without insignificant spaces, strings escaped
// as encoding/json escapes them (a lone UTF-16 surrogate escape becomes
// U+FFFD), integers of the int64 range as written, other numbers as the
// shortest text of their float64 (1.0 and 1E2 read back as 1 and 100, 1e20
// as 1e+20), and negative zero as 0. A value encoding/json wrote from a Go
// value decodes to the same Go value on every provider, except a float
// -0, which reads back as +0 from MongoDB.
//
// Stores of different value types may share a namespace (a memkv name, a
// collection, a prefix). Where their codecs have the same [Format] they
// see each other's entries on every provider: a counter of a Store[int64]
// is the text "7" to a Store[string], and JSON values read in any JSON
// store. Across Formats it depends on the provider: MongoDB stores each
// Format as its own BSON type (binary, string, document), so a read,
// Increment or Scan that meets an entry of another Format fails with
// [ErrInvalidValue]; memkv, Redis and S3 keep bytes alone and decode them
// with the reader's codec.
//
// Keys are non-empty valid UTF-8 of at most [MaxKeyLen] bytes without a
// NUL byte, whose '/'-separated segments are non-empty, not "." or "..",
// and at most [MaxSegmentLen] (227) bytes (S3 servers on file systems
// refuse longer ones, or cannot replace them). Keys that an S3 server stores but leaves out of its listings,
// so that Scan would miss them, are refused too: keys holding a character
// XML 1.0 cannot carry (a control character other than tab, newline and
// carriage return, or U+FFFE or U+FFFF; S3 lists keys in XML), keys with a
// ".sgwtmp" segment (versitygw's temporary files) and keys starting with
// [ReservedPrefix] (the S3 store's own probe objects). Any other key is
// refused with a [*KeyError] before the backend is asked. Within that,
// every byte is allowed ('/', '.', '$', spaces, tabs, newlines). On S3
// servers that keep objects as files, a key cannot also be a directory of
// another ("a" and "a/b"); there the second write fails with
// [ErrConflict].
//
// Expiry: [WithTTL] makes an entry expire; from then on it is absent in
// every method on every backend (backends without native expiry check it
// on read and remove expired entries later). A Set without WithTTL clears
// a previous expiry. [Entry.ExpiresAt] reports it.
//
// Compare-and-set: every change of the value gives the entry a new opaque
// [Version].
// Set with [IfVersion] writes only if the entry is stored with that
// version, and with [IfAbsent] only if the key is absent; otherwise it
// fails with [ErrConflict] and writes nothing. Read with GetEntry, change,
// write with IfVersion, and retry on ErrConflict: concurrent writers never
// lose an update. Where versions derive from the value (Redis, S3), an
// entry written again with a value it held before has that value's
// version again, even after a Delete; on memkv and MongoDB every write
// gives a new version.
//
// Increment adds to an int64 counter atomically (a Store[int64] with the
// default codec); an absent key counts as 0, and WithTTL sets the expiry
// when Increment creates the key, which makes fixed-window rate limits.
// A counter is decimal text in the form strconv.FormatInt writes (what
// Redis's INCRBY accepts): Increment and a Store[int64]'s reads refuse
// any other stored text, "+5", "007" and "-0" included, with
// [ErrInvalidValue].
//
// Scan yields the entries under a key prefix as an [iter.Seq2], in no
// particular order; when ctx ends it yields ctx's error and stops. GetMany
// and SetMany read and write several keys; SetMany checks every key and
// value before writing any, but its writes are not atomic together.
//
// # Errors
//
// Every error wraps one of this package's sentinels ([ErrNotFound],
// [ErrConflict], [ErrInvalidKey], [ErrInvalidValue], [ErrInvalidOption],
// [ErrUnsupported], [ErrUnauthorized], [ErrUnavailable], [ErrClosed]), the
// same on every provider; test with [errors.Is]. A provider's native error
// stays reachable with [errors.As]. Context errors are returned unwrapped.
//
// # Testing
//
// Use the in-memory provider memkv in unit tests: it refuses what the
// servers refuse (except S3's rule that a key cannot be a directory of
// another, and MongoDB's refusal to read across Formats, see above), and
// its clock can be moved by hand to test expiry. Providers run the
// conformance suite kvtest.
//
// # As
//
// As reaches a provider's native client (see each provider's
// documentation); memkv reports false.
package kv
