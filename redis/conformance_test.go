package redis_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

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

// newKV opens stores under the prefix that prefix returns (a fresh one
// when nil).
func newKV[V any](c *redis.Client, prefix func(testing.TB) string) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	if prefix == nil {
		prefix = func(tb testing.TB) string { return testenv.UniqueName(tb, "kv") + ":" }
	}
	return func(tb testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		prefix := prefix(tb)
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

// harness opens stores under the prefix that prefix returns (a fresh one
// per store when nil).
func harness(c *redis.Client, prefix func(testing.TB) string) kvtest.Harness {
	return kvtest.Harness{
		Bytes:   newKV[[]byte](c, prefix),
		Strings: newKV[string](c, prefix),
		Ints:    newKV[int64](c, prefix),
		Docs:    newKV[kvtest.Doc](c, prefix),
	}
}

func TestConformance(t *testing.T) {
	c := open(t)
	h := harness(c, nil)
	h.Shared = func(tb testing.TB) kvtest.Harness {
		shared := testenv.UniqueName(tb, "kv") + ":"
		return harness(c, func(testing.TB) string { return shared })
	}
	kvtest.Run(t, h, kvtest.Features{Workers: 16, Rounds: 20})
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

// TestConfigErrors: every problem with the configuration, a prefix or an
// option wraps ErrInvalidConfig.
func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	srv := testenv.RedisServer(t)
	_, err := redis.Open(ctx, redis.Config{Addr: srv.Addr, Password: hexkit.NewSecret(srv.Password), DB: 99})
	if !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("a database the server does not have: %v, want ErrInvalidConfig", err)
	}
	c := open(t)
	_, err = redis.NewKV(c, "p:", kv.WithCodec[string](nil))
	if !errors.Is(err, redis.ErrInvalidConfig) || !errors.Is(err, kv.ErrInvalidOption) {
		t.Errorf("nil codec: %v, want ErrInvalidConfig and kv.ErrInvalidOption", err)
	}
	if _, err := redis.NewKV[string](c, strings.Repeat("p", kv.MaxKeyLen)); err != nil {
		t.Errorf("prefix of MaxKeyLen bytes: %v", err)
	}
	if _, err := redis.NewKV[string](c, strings.Repeat("p", kv.MaxKeyLen+1)); !errors.Is(err, redis.ErrInvalidConfig) {
		t.Errorf("prefix longer than MaxKeyLen: %v, want ErrInvalidConfig", err)
	}
}

// TestOtherTypes: a key under the prefix that holds another Redis type
// than a string is kv.ErrInvalidValue.
func TestOtherTypes(t *testing.T) {
	ctx := context.Background()
	c := open(t)
	prefix := testenv.UniqueName(t, "kv") + ":"
	st, err := redis.NewKV[int64](c, prefix)
	if err != nil {
		t.Fatal(err)
	}
	var raw *goredis.Client
	if !c.As(&raw) {
		t.Fatal("As")
	}
	if err := raw.HSet(ctx, prefix+"h", "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Del(context.Background(), prefix+"h") })
	_, err = st.Get(ctx, "h")
	if !errors.Is(err, kv.ErrInvalidValue) {
		t.Errorf("Get of a hash: %v, want kv.ErrInvalidValue", err)
	}
	_, err = st.Increment(ctx, "h", 1)
	if !errors.Is(err, kv.ErrInvalidValue) {
		t.Errorf("Increment of a hash: %v, want kv.ErrInvalidValue", err)
	}
	for _, err := range st.Scan(ctx, "") {
		if !errors.Is(err, kv.ErrInvalidValue) {
			t.Errorf("Scan over a hash: %v, want kv.ErrInvalidValue", err)
		}
	}
}
