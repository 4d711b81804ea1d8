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
	// or its version is not the one given (IfVersion); or the backend
	// refuses the key because of another key (see [PermanentConflict]).
	// Nothing was written.
	ErrConflict = errors.New("kv: conflict")
	// ErrInvalidKey: a key breaks the key rule of package kv (see
	// kv.CheckKey). Nothing was read or written.
	ErrInvalidKey = errors.New("kv: invalid key")
	// ErrInvalidValue: a value cannot be encoded, or a stored value cannot
	// be decoded into the store's value type (Increment on a value that is
	// not a decimal int64 as [ParseInt] reads it, or overflowing int64).
	// Nothing was written.
	ErrInvalidValue = errors.New("kv: invalid value")
	// ErrInvalidOption: a constructor or per-call option is invalid, or
	// the store's configuration names what the backend does not have.
	ErrInvalidOption = errors.New("kv: invalid option")
	// ErrUnsupported: the backend cannot do what was asked (for example a
	// conditional write on an S3 server that ignores conditions). Nothing
	// was written.
	ErrUnsupported = errors.New("kv: unsupported by this backend")
	// ErrUnauthorized: the server refused the credentials or denied the
	// operation.
	ErrUnauthorized = errors.New("kv: unauthorized")
	// ErrUnavailable: the store could not be reached, did not answer in
	// time, or answered with an error no other sentinel describes (the
	// native error, reachable with errors.As, says which). The operation
	// may be retried; for writes, whether it took effect is unknown.
	ErrUnavailable = errors.New("kv: store unavailable")
	// ErrClosed: the store was used after Close.
	ErrClosed = errors.New("kv: store closed")
)
