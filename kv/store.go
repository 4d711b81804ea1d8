package kv

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"
	"unicode/utf8"

	"github.com/hexkit-go/hexkit/internal/jsoncheck"
	"github.com/hexkit-go/hexkit/kv/driver"
)

// New wraps a driver in the portable [Store]: for providers; services call
// a provider's constructor. It checks V and the options, then calls
// d.Init with the codec's encoding.
func New[V any](ctx context.Context, d driver.Store, opts ...Option[V]) (Store[V], error) {
	if d == nil {
		return nil, fmt.Errorf("%w: nil driver", ErrInvalidOption)
	}
	o := options[V]{codec: defaultCodec[V]()}
	for _, opt := range opts {
		if opt == nil {
			o.err = errors.Join(o.err, fmt.Errorf("%w: nil Option", ErrInvalidOption))
			continue
		}
		opt(&o)
	}
	if o.err != nil {
		return nil, o.err
	}
	_, counter := any(o.codec).(intCodec)
	if err := d.Init(ctx, driver.Config{Encoding: driver.Encoding(o.codec.Format())}); err != nil {
		return nil, err
	}
	return &store[V]{d: d, codec: o.codec, counter: counter, json: o.codec.Format() == FormatJSON, text: o.codec.Format() == FormatString}, nil
}

// store is the portable Store: it validates, encodes and decodes, and
// leaves storage to the driver.
type store[V any] struct {
	d       driver.Store
	codec   Codec[V]
	counter bool // V is int64 with the default codec
	json    bool // the codec's format is FormatJSON
	text    bool // the codec's format is FormatString
	closed  atomic.Bool
}

func (s *store[V]) check(key string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return CheckKey(key)
}

func (s *store[V]) decode(e driver.Entry) (Entry[V], error) {
	v, err := s.codec.Decode(e.Value)
	if err != nil {
		return Entry[V]{}, fmt.Errorf("%w: key %.64q: %w", ErrInvalidValue, e.Key, err)
	}
	return Entry[V]{Key: e.Key, Value: v, Version: Version(e.Version), ExpiresAt: e.ExpiresAt}, nil
}

func (s *store[V]) encode(key string, v V) ([]byte, error) {
	b, err := s.codec.Encode(v)
	switch {
	case err != nil:
	case s.json:
		err = jsoncheck.Check(b)
	case s.text && !utf8.Valid(b):
		err = errors.New("a string codec's value is not valid UTF-8")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: key %.64q: %w", ErrInvalidValue, key, err)
	}
	return b, nil
}

func (s *store[V]) Get(ctx context.Context, key string) (V, error) {
	var zero V
	if err := s.check(key); err != nil {
		return zero, err
	}
	b, err := s.d.Value(ctx, key)
	if err != nil {
		return zero, err
	}
	v, err := s.codec.Decode(b)
	if err != nil {
		return zero, fmt.Errorf("%w: key %.64q: %w", ErrInvalidValue, key, err)
	}
	return v, nil
}

func (s *store[V]) GetEntry(ctx context.Context, key string) (Entry[V], error) {
	if err := s.check(key); err != nil {
		return Entry[V]{}, err
	}
	e, err := s.d.Get(ctx, key)
	if err != nil {
		return Entry[V]{}, err
	}
	return s.decode(e)
}

func (s *store[V]) Set(ctx context.Context, key string, v V, opts ...SetOption) (Version, error) {
	if err := s.check(key); err != nil {
		return "", err
	}
	o, err := setOpts("Set", true, opts)
	if err != nil {
		return "", err
	}
	b, err := s.encode(key, v)
	if err != nil {
		return "", err
	}
	w := driver.Write{Key: key, Value: b, TTL: o.ttl, Version: string(o.version)}
	switch o.cond {
	case ifAbsent:
		w.Condition = driver.IfAbsent
	case ifVersion:
		w.Condition = driver.IfVersion
	}
	ver, err := s.d.Set(ctx, w)
	return Version(ver), err
}

func (s *store[V]) Delete(ctx context.Context, key string) error {
	if err := s.check(key); err != nil {
		return err
	}
	return s.d.Delete(ctx, key)
}

func (s *store[V]) Exists(ctx context.Context, key string) (bool, error) {
	if err := s.check(key); err != nil {
		return false, err
	}
	return s.d.Exists(ctx, key)
}

func (s *store[V]) Increment(ctx context.Context, key string, delta int64, opts ...SetOption) (int64, error) {
	if err := s.check(key); err != nil {
		return 0, err
	}
	o, err := setOpts("Increment", false, opts)
	if err != nil {
		return 0, err
	}
	if !s.counter {
		return 0, fmt.Errorf("%w: Increment needs a Store[int64] with the default codec", ErrUnsupported)
	}
	return s.d.Increment(ctx, key, delta, o.ttl)
}

func (s *store[V]) Scan(ctx context.Context, prefix string) iter.Seq2[Entry[V], error] {
	return func(yield func(Entry[V], error) bool) {
		if s.closed.Load() {
			yield(Entry[V]{}, ErrClosed)
			return
		}
		if err := checkPrefix(prefix); err != nil {
			yield(Entry[V]{}, err)
			return
		}
		for e, err := range s.d.Scan(ctx, prefix) {
			if err == nil {
				// A driver may have read ahead: ctx ending stops the
				// scan at once on every provider.
				err = ctx.Err()
			}
			if err != nil {
				yield(Entry[V]{}, err)
				return
			}
			out, err := s.decode(e)
			if err != nil {
				yield(Entry[V]{}, err)
				return
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

func (s *store[V]) GetMany(ctx context.Context, keys ...string) (map[string]V, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	for _, k := range keys {
		if err := CheckKey(k); err != nil {
			return nil, err
		}
	}
	out := make(map[string]V, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	es, err := s.d.GetMany(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		d, err := s.decode(e)
		if err != nil {
			return nil, err
		}
		out[e.Key] = d.Value
	}
	return out, nil
}

func (s *store[V]) SetMany(ctx context.Context, entries map[string]V, opts ...SetOption) error {
	if s.closed.Load() {
		return ErrClosed
	}
	o, err := setOpts("SetMany", false, opts)
	if err != nil {
		return err
	}
	ws := make([]driver.Write, 0, len(entries))
	for k, v := range entries {
		if err := CheckKey(k); err != nil {
			return err
		}
		b, err := s.encode(k, v)
		if err != nil {
			return err
		}
		ws = append(ws, driver.Write{Key: k, Value: b, TTL: o.ttl})
	}
	for _, w := range ws {
		if _, err := s.d.Set(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

func (s *store[V]) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.d.Close()
}

func (s *store[V]) As(target any) bool { return s.d.As(target) }
