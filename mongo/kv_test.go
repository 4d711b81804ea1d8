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

func newKV[V any](db *mongo.DB) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	return func(tb testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		st, err := mongo.NewKV[V](ctx, db, testenv.UniqueName(tb, "kv"), opts...)
		if err == nil {
			tb.Cleanup(func() { _ = st.Close() })
		}
		return st, err
	}
}

func TestKVConformance(t *testing.T) {
	db := wrap(t, testDB(t))
	kvtest.Run(t, kvtest.Harness{
		Bytes:   newKV[[]byte](db),
		Strings: newKV[string](db),
		Ints:    newKV[int64](db),
		Docs:    newKV[kvtest.Doc](db),
	}, kvtest.Features{})
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
