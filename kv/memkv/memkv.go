package memkv

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/driver"
)

// DB is an in-memory key-value database: a set of named namespaces, each
// holding the entries of the stores opened on it under that name. It is
// safe for concurrent use.
type DB struct {
	now     func() time.Time
	mu      sync.Mutex
	version uint64
	spaces  map[string]map[string]*entry
}

type entry struct {
	value   []byte
	version string
	expires time.Time // zero: never
}

// Option configures a DB.
type Option func(*options)

type options struct {
	now func() time.Time
	err error
}

// WithClock sets the clock that TTLs are measured by (pass a [Clock]'s
// Now to move time by hand in tests). Default: time.Now.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now == nil {
			o.err = errors.Join(o.err, fmt.Errorf("%w: WithClock: nil clock", ErrInvalidConfig))
			return
		}
		o.now = now
	}
}

// New returns an empty DB. An invalid option fails it with an error
// wrapping [ErrInvalidConfig].
func New(opts ...Option) (*DB, error) {
	o := options{now: time.Now}
	for _, opt := range opts {
		if opt == nil {
			o.err = errors.Join(o.err, fmt.Errorf("%w: nil Option", ErrInvalidConfig))
			continue
		}
		opt(&o)
	}
	if o.err != nil {
		return nil, o.err
	}
	return &DB{now: o.now, spaces: map[string]map[string]*entry{}}, nil
}

// NewStore returns a store of values of type V over the namespace name of
// db (created empty on first use; stores opened with the same name share
// their entries). It accepts the same options as every provider and checks
// them the same way (see [kv.New]). A nil db fails with
// [ErrInvalidConfig].
func NewStore[V any](db *DB, name string, opts ...kv.Option[V]) (kv.Store[V], error) {
	if db == nil {
		return nil, fmt.Errorf("%w: NewStore: nil *DB", ErrInvalidConfig)
	}
	return kv.New[V](context.Background(), &space{db: db, name: name}, opts...)
}

// space is the driver.Store over one namespace of a DB.
type space struct {
	db     *DB
	name   string
	closed bool // guarded by db.mu
}

func (s *space) Init(context.Context, driver.Config) error {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	if s.db.spaces[s.name] == nil {
		s.db.spaces[s.name] = map[string]*entry{}
	}
	return nil
}

// live returns the unexpired entry of key; the caller holds db.mu.
func (s *space) live(key string, now time.Time) *entry {
	m := s.db.spaces[s.name]
	e := m[key]
	if e != nil && !e.expires.IsZero() && !now.Before(e.expires) {
		delete(m, key)
		return nil
	}
	return e
}

func (s *space) lock(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	s.db.mu.Lock()
	if s.closed {
		s.db.mu.Unlock()
		return time.Time{}, driver.ErrClosed
	}
	return s.db.now(), nil
}

// expiry is when an entry written at now with ttl expires: cut to a
// millisecond, as the servers keep it.
func expiry(now time.Time, ttl time.Duration) time.Time {
	return now.Add(ttl).Truncate(time.Millisecond)
}

func out(key string, e *entry) driver.Entry {
	return driver.Entry{Key: key, Value: slices.Clone(e.value), Version: e.version, ExpiresAt: e.expires}
}

func (s *space) Get(ctx context.Context, key string) (driver.Entry, error) {
	now, err := s.lock(ctx)
	if err != nil {
		return driver.Entry{}, err
	}
	defer s.db.mu.Unlock()
	e := s.live(key, now)
	if e == nil {
		return driver.Entry{}, fmt.Errorf("%w: %q", driver.ErrNotFound, key)
	}
	return out(key, e), nil
}

func (s *space) Value(ctx context.Context, key string) ([]byte, error) {
	e, err := s.Get(ctx, key)
	return e.Value, err
}

func (s *space) GetMany(ctx context.Context, keys []string) ([]driver.Entry, error) {
	now, err := s.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer s.db.mu.Unlock()
	res := make([]driver.Entry, 0, len(keys))
	for _, k := range keys {
		if e := s.live(k, now); e != nil {
			res = append(res, out(k, e))
		}
	}
	return res, nil
}

// write stores value under key; the caller holds db.mu.
func (s *space) write(key string, value []byte, expires time.Time) string {
	s.db.version++
	v := strconv.FormatUint(s.db.version, 10)
	s.db.spaces[s.name][key] = &entry{value: value, version: v, expires: expires}
	return v
}

func (s *space) Set(ctx context.Context, w driver.Write) (string, error) {
	now, err := s.lock(ctx)
	if err != nil {
		return "", err
	}
	defer s.db.mu.Unlock()
	e := s.live(w.Key, now)
	switch {
	case w.Condition == driver.IfAbsent && e != nil:
		return "", fmt.Errorf("%w: %q exists", driver.ErrConflict, w.Key)
	case w.Condition == driver.IfVersion && (e == nil || e.version != w.Version):
		return "", fmt.Errorf("%w: %q is not at version %q", driver.ErrConflict, w.Key, w.Version)
	}
	expires := w.ExpiresAt
	if w.TTL > 0 {
		expires = expiry(now, w.TTL)
	}
	return s.write(w.Key, slices.Clone(w.Value), expires), nil
}

func (s *space) Delete(ctx context.Context, key string) error {
	if _, err := s.lock(ctx); err != nil {
		return err
	}
	defer s.db.mu.Unlock()
	delete(s.db.spaces[s.name], key)
	return nil
}

func (s *space) Exists(ctx context.Context, key string) (bool, error) {
	now, err := s.lock(ctx)
	if err != nil {
		return false, err
	}
	defer s.db.mu.Unlock()
	return s.live(key, now) != nil, nil
}

func (s *space) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	now, err := s.lock(ctx)
	if err != nil {
		return 0, err
	}
	defer s.db.mu.Unlock()
	var n int64
	var expires time.Time
	if e := s.live(key, now); e != nil {
		if n, err = driver.ParseInt(e.value); err != nil {
			return 0, err
		}
		expires = e.expires
	} else if ttl > 0 {
		expires = expiry(now, ttl)
	}
	if n, err = driver.AddInt(n, delta); err != nil {
		return 0, err
	}
	s.write(key, strconv.AppendInt(nil, n, 10), expires)
	return n, nil
}

func (s *space) Scan(ctx context.Context, prefix string) iter.Seq2[driver.Entry, error] {
	return func(yield func(driver.Entry, error) bool) {
		now, err := s.lock(ctx)
		if err != nil {
			yield(driver.Entry{}, err)
			return
		}
		var es []driver.Entry
		for k := range s.db.spaces[s.name] {
			if strings.HasPrefix(k, prefix) {
				if e := s.live(k, now); e != nil {
					es = append(es, out(k, e))
				}
			}
		}
		s.db.mu.Unlock()
		slices.SortFunc(es, func(a, b driver.Entry) int { return strings.Compare(a.Key, b.Key) })
		for _, e := range es {
			if err := ctx.Err(); err != nil {
				yield(driver.Entry{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (s *space) Close() error {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.closed = true
	return nil
}

// As reports false: there is no native client.
func (s *space) As(any) bool { return false }
