package driver

import "errors"

// The sentinel errors of the kv protocol, declared here and re-exported by
// package kv under the same names. A driver wraps the one that applies
// together with its native error (fmt.Errorf("%w: %w", driver.ErrUnavailable,
// err)), in one mapError function; context errors pass through as they are.
var (
	// ErrNotFound: the key is not stored, or its entry has expired.
	ErrNotFound = errors.New("kv: not found")
	// ErrConflict: a conditional write failed: the key exists (IfAbsent)
	// or its version is not the one given (IfVersion). Nothing was
	// written.
	ErrConflict = errors.New("kv: conflict")
	// ErrInvalidKey: a key is empty, not valid UTF-8, holds a NUL byte or
	// is longer than MaxKeyLen bytes. Nothing was read or written.
	ErrInvalidKey = errors.New("kv: invalid key")
	// ErrInvalidValue: a value cannot be encoded, or a stored value cannot
	// be decoded into the store's value type (Increment on a value that is
	// not a decimal integer, or overflowing int64). Nothing was written.
	ErrInvalidValue = errors.New("kv: invalid value")
	// ErrInvalidOption: a constructor or per-call option is invalid.
	ErrInvalidOption = errors.New("kv: invalid option")
	// ErrUnsupported: the backend cannot do what was asked (for example a
	// conditional write on an S3 server that ignores conditions). Nothing
	// was written.
	ErrUnsupported = errors.New("kv: unsupported by this backend")
	// ErrUnavailable: the store could not be reached or did not answer in
	// time. The operation may be retried; for writes, whether it took
	// effect is unknown.
	ErrUnavailable = errors.New("kv: store unavailable")
	// ErrClosed: the store was used after Close.
	ErrClosed = errors.New("kv: store closed")
)
