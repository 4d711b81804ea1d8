package memkv_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/kvtest"
	"github.com/hexkit-go/hexkit/kv/memkv"
)

func harness(db *memkv.DB) kvtest.Harness {
	var n atomic.Int64
	h := spaces(db, func() string { return "space-" + time.Duration(n.Add(1)).String() })
	h.Shared = func(testing.TB) kvtest.Harness {
		shared := "shared-" + time.Duration(n.Add(1)).String()
		return spaces(db, func() string { return shared })
	}
	return h
}

// spaces is a harness whose stores are over the namespaces name returns.
func spaces(db *memkv.DB, name func() string) kvtest.Harness {
	return kvtest.Harness{
		Bytes: func(_ testing.TB, opts ...kv.Option[[]byte]) (kv.Store[[]byte], error) {
			return memkv.NewStore(db, name(), opts...)
		},
		Strings: func(_ testing.TB, opts ...kv.Option[string]) (kv.Store[string], error) {
			return memkv.NewStore(db, name(), opts...)
		},
		Ints: func(_ testing.TB, opts ...kv.Option[int64]) (kv.Store[int64], error) {
			return memkv.NewStore(db, name(), opts...)
		},
		Docs: func(_ testing.TB, opts ...kv.Option[kvtest.Doc]) (kv.Store[kvtest.Doc], error) {
			return memkv.NewStore(db, name(), opts...)
		},
	}
}

func TestConformance(t *testing.T) {
	t.Run("FakeClock", func(t *testing.T) {
		clock := memkv.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		db, err := memkv.New(memkv.WithClock(clock.Now))
		if err != nil {
			t.Fatal(err)
		}
		kvtest.Run(t, harness(db), kvtest.Features{Advance: clock.Advance, TTL: time.Minute, Workers: 16, Rounds: 50})
	})
	t.Run("RealClock", func(t *testing.T) {
		db, err := memkv.New()
		if err != nil {
			t.Fatal(err)
		}
		kvtest.Run(t, harness(db), kvtest.Features{TTL: 50 * time.Millisecond})
	})
}

func TestInvalidConfig(t *testing.T) {
	if _, err := memkv.New(memkv.WithClock(nil)); !errors.Is(err, memkv.ErrInvalidConfig) {
		t.Fatalf("WithClock(nil): %v", err)
	}
	if _, err := memkv.New(nil); !errors.Is(err, memkv.ErrInvalidConfig) {
		t.Fatalf("nil Option: %v", err)
	}
	if _, err := memkv.NewStore[string](nil, "x"); !errors.Is(err, memkv.ErrInvalidConfig) {
		t.Fatalf("nil DB: %v", err)
	}
}
