package driver_test

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/driver"
)

// mapStore is a toy driver: entries in a map, no expiry sweeping, no
// native increment.
type mapStore struct {
	mu      sync.Mutex
	n       int
	entries map[string]driver.Entry
}

func (m *mapStore) Init(context.Context, driver.Config) error {
	m.entries = map[string]driver.Entry{}
	return nil
}

func (m *mapStore) Get(_ context.Context, key string) (driver.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || (!e.ExpiresAt.IsZero() && time.Now().After(e.ExpiresAt)) {
		return driver.Entry{}, driver.ErrNotFound
	}
	return e, nil
}

func (m *mapStore) Value(ctx context.Context, key string) ([]byte, error) {
	e, err := m.Get(ctx, key)
	return e.Value, err
}

func (m *mapStore) GetMany(ctx context.Context, keys []string) ([]driver.Entry, error) {
	var out []driver.Entry
	for _, k := range keys {
		if e, err := m.Get(ctx, k); err == nil {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *mapStore) Set(ctx context.Context, w driver.Write) (string, error) {
	cur, err := m.Get(ctx, w.Key)
	m.mu.Lock()
	defer m.mu.Unlock()
	if (w.Condition == driver.IfAbsent && err == nil) || (w.Condition == driver.IfVersion && (err != nil || cur.Version != w.Version)) {
		return "", driver.ErrConflict
	}
	m.n++
	e := driver.Entry{Key: w.Key, Value: append([]byte(nil), w.Value...), Version: strconv.Itoa(m.n), ExpiresAt: w.ExpiresAt}
	if w.TTL > 0 {
		e.ExpiresAt = time.Now().Add(w.TTL)
	}
	m.entries[w.Key] = e
	return e.Version, nil
}

func (m *mapStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	return nil
}

func (m *mapStore) Exists(ctx context.Context, key string) (bool, error) {
	_, err := m.Get(ctx, key)
	return err == nil, nil
}

func (m *mapStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	return driver.IncrementByCAS(ctx, m, key, delta, ttl)
}

func (m *mapStore) Scan(ctx context.Context, prefix string) iter.Seq2[driver.Entry, error] {
	return func(yield func(driver.Entry, error) bool) {
		m.mu.Lock()
		var keys []string
		for k := range m.entries {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		m.mu.Unlock()
		for _, k := range keys {
			if e, err := m.Get(ctx, k); err == nil && !yield(e, nil) {
				return
			}
		}
	}
}

func (m *mapStore) Close() error { return nil }
func (m *mapStore) As(any) bool  { return false }

// A provider implements driver.Store and hands it to kv.New, which
// validates, encodes and decodes for it.
func Example() {
	ctx := context.Background()
	counters, err := kv.New[int64](ctx, &mapStore{})
	if err != nil {
		panic(err)
	}
	for range 3 {
		if _, err := counters.Increment(ctx, "visits", 2); err != nil {
			panic(err)
		}
	}
	n, _ := counters.Get(ctx, "visits")
	fmt.Println(n)
	_, err = counters.Get(ctx, "")
	fmt.Println(err)
	// Output:
	// 6
	// kv: invalid key "": empty
}
