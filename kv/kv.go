package kv

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Store holds values of type V under string keys. Every method is safe for
// concurrent use and atomic on its key. See the package documentation for
// the rules every provider follows.
type Store[V any] interface {
	// Get returns the value of key, or an error wrapping [ErrNotFound]
	// when the key is absent or expired.
	Get(ctx context.Context, key string) (V, error)
	// GetEntry returns the value of key with its version and expiry, or
	// [ErrNotFound].
	GetEntry(ctx context.Context, key string) (Entry[V], error)
	// Set stores v under key and returns the entry's new version. With
	// [IfAbsent] or [IfVersion] it writes only if the condition holds and
	// fails with [ErrConflict] otherwise; with [WithTTL] the entry
	// expires. Without WithTTL the entry never expires, even if it did
	// before.
	Set(ctx context.Context, key string, v V, opts ...SetOption) (Version, error)
	// Delete removes key. Deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
	// Exists reports whether key is stored and not expired.
	Exists(ctx context.Context, key string) (bool, error)
	// Increment adds delta (which may be negative) to the int64 stored
	// under key, atomically, and returns the sum; an absent key counts as
	// 0. Only a Store[int64] with the default codec can increment; any
	// other fails with [ErrUnsupported]. A stored value that is not an
	// int64 in the form strconv.FormatInt writes ("+5", "007", "-0"), or
	// a sum that overflows, fails with [ErrInvalidValue] and is left as
	// it is. [WithTTL] sets the expiry when Increment creates the key; an
	// existing key keeps its expiry (the fixed window of a rate limit).
	Increment(ctx context.Context, key string, delta int64, opts ...SetOption) (int64, error)
	// Scan yields the entries whose keys start with prefix (every entry
	// when prefix is empty), each once, in no particular order. An entry
	// written or deleted during the scan may or may not be seen. Scan
	// stops at the first error, which it yields with a zero Entry; when
	// ctx ends during the scan, that error is ctx's, unwrapped, and no
	// entry follows it.
	Scan(ctx context.Context, prefix string) iter.Seq2[Entry[V], error]
	// GetMany returns the values of the keys that are stored; absent and
	// expired keys are missing from the map.
	GetMany(ctx context.Context, keys ...string) (map[string]V, error)
	// SetMany stores every value of entries, with the options given
	// ([WithTTL] only). It checks every key and encodes every value before
	// it writes any; the writes themselves are not atomic together, and on
	// an error some may have taken place.
	SetMany(ctx context.Context, entries map[string]V, opts ...SetOption) error
	// Close releases what the provider owns. Later calls fail with
	// [ErrClosed]. Closing twice is not an error.
	Close() error
	// As sets target to the provider's native client when target is a
	// pointer to its type, and reports whether it did (see each
	// provider's "As" documentation).
	As(target any) bool
}

// Version identifies the stored state of a key: an opaque token that
// changes whenever the value changes. Some backends derive it from the
// value (S3: the ETag; Redis: a hash), so there writing the same value
// again keeps it, even after a Delete, and [IfVersion] with it succeeds
// again; others (memory, MongoDB) change it on every write. Compare it
// only with IfVersion.
type Version string

// Entry is a stored value with its key, version and expiry.
type Entry[V any] struct {
	Key     string
	Value   V
	Version Version
	// ExpiresAt is when the entry expires, by the backend's clock, to the
	// millisecond; zero means never.
	ExpiresAt time.Time
}

// GetOr returns the value of key, or def when the key is absent or
// expired. Other errors are returned with def.
func GetOr[V any](ctx context.Context, s Store[V], key string, def V) (V, error) {
	v, err := s.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return def, nil
	}
	if err != nil {
		return def, err
	}
	return v, nil
}
