package driver

import (
	"context"
	"iter"
	"time"
)

// MaxKeyLen is the longest key, in bytes, that package kv accepts.
const MaxKeyLen = 512

// Encoding says how the values of a store are encoded, so that a driver
// can store them in the layout other clients of the same backend expect
// (a MongoDB driver stores Bytes as binary, String as a string and JSON as
// a document).
type Encoding uint8

const (
	// Bytes: values are opaque bytes.
	Bytes Encoding = iota
	// String: values are valid UTF-8 text.
	String
	// JSON: values are JSON texts.
	JSON
)

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case Bytes:
		return "bytes"
	case String:
		return "string"
	case JSON:
		return "json"
	}
	return "unknown"
}

// Config is what package kv tells a driver once, before any other call.
type Config struct {
	// Encoding of every value the driver will be given and return.
	Encoding Encoding
}

// Entry is a stored value as a driver returns it.
type Entry struct {
	Key   string
	Value []byte
	// Version is an opaque token that changes whenever the value changes
	// (it may be derived from the value); a write with Condition IfVersion
	// and this token succeeds only if the entry still has it.
	Version string
	// ExpiresAt is when the entry expires; zero means never.
	ExpiresAt time.Time
}

// Condition is when a write takes place.
type Condition uint8

const (
	// Always: the write creates or replaces the entry.
	Always Condition = iota
	// IfAbsent: the write creates the entry only if the key is absent
	// (never stored, deleted or expired); otherwise ErrConflict.
	IfAbsent
	// IfVersion: the write replaces the entry only if it is stored with
	// Write.Version; otherwise (absent, or another version) ErrConflict.
	IfVersion
)

// Write is one write a driver performs.
type Write struct {
	Key   string
	Value []byte
	// TTL, when positive, makes the entry expire TTL after the write, by
	// the backend's clock. Otherwise the entry expires at ExpiresAt (zero:
	// never). A write replaces the previous expiry.
	TTL       time.Duration
	ExpiresAt time.Time
	Condition Condition
	// Version is the token Condition IfVersion compares with.
	Version string
}

// Store is what a provider implements. Methods may be called
// concurrently; each must be atomic on its key.
type Store interface {
	// Init is called once by kv.New before any other method. It returns
	// ErrInvalidOption for a configuration the backend cannot store.
	Init(ctx context.Context, cfg Config) error
	// Get returns the entry of key, or ErrNotFound.
	Get(ctx context.Context, key string) (Entry, error)
	// Value returns the value of key alone, or ErrNotFound: Get without
	// the version and expiry, for backends that read those at extra cost.
	Value(ctx context.Context, key string) ([]byte, error)
	// GetMany returns the entries of the keys that are stored, in any
	// order; absent keys are left out.
	GetMany(ctx context.Context, keys []string) ([]Entry, error)
	// Set performs w and returns the new version token. It returns
	// ErrConflict when w's condition does not hold, and ErrUnsupported
	// when the backend cannot check it.
	Set(ctx context.Context, w Write) (version string, err error)
	// Delete removes key. Deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
	// Exists reports whether key is stored and not expired.
	Exists(ctx context.Context, key string) (bool, error)
	// Increment adds delta to the decimal integer stored under key
	// (absent counts as 0) and returns the sum, atomically. When it
	// creates the key, the entry expires ttl later (zero: never); an
	// existing entry keeps its expiry. A stored value that is not a
	// decimal int64, or a sum that overflows, is ErrInvalidValue.
	// [IncrementByCAS] implements it over Get and Set.
	Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error)
	// Scan yields the entries whose keys start with prefix (all when
	// prefix is empty), in any order, each once. It stops at the first
	// error, which it yields.
	Scan(ctx context.Context, prefix string) iter.Seq2[Entry, error]
	// Close releases what the driver owns. Later calls return ErrClosed.
	Close() error
	// As sets target to the native client when target is a pointer to
	// its type, and reports whether it did.
	As(target any) bool
}
