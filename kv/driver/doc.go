// Package driver is the contract between package kv and the providers that
// implement it. Services do not import it; they use package kv and a
// provider's constructors.
//
// A driver stores encoded values (bytes) under keys in one namespace (a
// collection, a key prefix, a bucket prefix). Package kv validates every
// key and option and encodes and decodes values before it calls the
// driver, so a driver receives only valid arguments: keys that are
// non-empty valid UTF-8 without NUL of at most [MaxKeyLen] bytes whose
// '/'-separated segments are non-empty, not "." or "..", not ".sgwtmp"
// and at most 227 bytes (kv.MaxSegmentLen), without a control character other than tab,
// newline and carriage return, without U+FFFE or U+FFFF, and not starting
// with ".hexkit-" (kv.ReservedPrefix, free for a driver's own objects);
// TTLs of at least a millisecond.
//
// A driver must treat an entry whose expiry time has passed as absent in
// every method, whether or not it has removed it yet.
package driver
