package redis_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/kvtest"
	"github.com/hexkit-go/hexkit/redis"
)

func open(tb testing.TB) *redis.Client {
	tb.Helper()
	srv := testenv.RedisServer(tb)
	c, err := redis.Open(context.Background(), redis.Config{Addr: srv.Addr, Password: hexkit.NewSecret(srv.Password)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

func newKV[V any](c *redis.Client) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	return func(tb testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		prefix := testenv.UniqueName(tb, "kv") + ":"
		st, err := redis.NewKV[V](c, prefix, opts...)
		if err == nil {
			tb.Cleanup(func() {
				ctx := context.Background()
				raw, _ := redis.NewKV[[]byte](c, prefix)
				for e, err := range raw.Scan(ctx, "") {
					if err == nil {
						_ = raw.Delete(ctx, e.Key)
					}
				}
			})
		}
		return st, err
	}
}

func TestConformance(t *testing.T) {
	c := open(t)
	kvtest.Run(t, kvtest.Harness{
		Bytes:   newKV[[]byte](c),
		Strings: newKV[string](c),
		Ints:    newKV[int64](c),
		Docs:    newKV[kvtest.Doc](c),
	}, kvtest.Features{Workers: 16, Rounds: 20})
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	srv := testenv.RedisServer(t)
	if _, err := redis.Open(ctx, redis.Config{}); !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("no address: %v", err)
	}
	if _, err := redis.Open(ctx, redis.Config{Addr: srv.Addr, Timeout: -1}); !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("negative timeout: %v", err)
	}
	if _, err := redis.Open(ctx, redis.Config{Addr: srv.Addr, Password: hexkit.NewSecret("wrong")}); !errors.Is(err, redis.ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := redis.Open(ctx, redis.Config{Addr: "127.0.0.1:1", Timeout: 500e6}); !errors.Is(err, kv.ErrUnavailable) {
		t.Errorf("nothing listening: %v", err)
	}
	if _, err := redis.New(nil); !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("New(nil): %v", err)
	}
	if _, err := redis.NewKV[string](nil, ""); !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("NewKV(nil): %v", err)
	}
	if _, err := redis.NewKV[string](open(t), "bad\x00"); !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("NUL prefix: %v", err)
	}
}
