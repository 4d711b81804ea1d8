package mongo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/kvtest"
	"github.com/hexkit-go/hexkit/mongo"
)

// newKV opens stores in the collection that coll returns (a fresh one
// when nil).
func newKV[V any](db *mongo.DB, coll func(testing.TB) string) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	if coll == nil {
		coll = func(tb testing.TB) string { return testenv.UniqueName(tb, "kv") }
	}
	return func(tb testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		st, err := mongo.NewKV[V](ctx, db, coll(tb), opts...)
		if err == nil {
			tb.Cleanup(func() { _ = st.Close() })
		}
		return st, err
	}
}

// kvHarness opens stores in the collection that coll returns (a fresh one
// per store when nil).
func kvHarness(db *mongo.DB, coll func(testing.TB) string) kvtest.Harness {
	return kvtest.Harness{
		Bytes:   newKV[[]byte](db, coll),
		Strings: newKV[string](db, coll),
		Ints:    newKV[int64](db, coll),
		Docs:    newKV[kvtest.Doc](db, coll),
	}
}

func TestKVConformance(t *testing.T) {
	db := wrap(t, testDB(t))
	h := kvHarness(db, nil)
	h.Shared = func(tb testing.TB) kvtest.Harness {
		shared := testenv.UniqueName(tb, "kv")
		return kvHarness(db, func(testing.TB) string { return shared })
	}
	kvtest.Run(t, h, kvtest.Features{})
}

func TestNewKVInvalidConfig(t *testing.T) {
	ctx := context.Background()
	if _, err := mongo.NewKV[string](ctx, nil, "c"); !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, kv.ErrInvalidOption) {
		t.Fatalf("nil DB: %v", err)
	}
	db := wrap(t, testDB(t))
	if _, err := mongo.NewKV[string](ctx, db, ""); !errors.Is(err, mongo.ErrInvalidConfig) {
		t.Fatalf("empty collection: %v", err)
	}
	if _, err := mongo.NewKV(ctx, db, "c", kv.WithCodec[string](nil)); !errors.Is(err, kv.ErrInvalidOption) {
		t.Fatalf("nil codec: %v", err)
	}
}
