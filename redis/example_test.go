package redis_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/redis"
)

// A rate limit of 100 requests per client and minute. (Needs a server:
// compiled, not run.)
func ExampleNewKV() {
	ctx := context.Background()
	c, err := redis.Open(ctx, redis.Config{Addr: "127.0.0.1:6390", Password: hexkit.NewSecret("secret")})
	if err != nil {
		panic(err)
	}
	defer c.Close()
	hits, err := redis.NewKV[int64](c, "ratelimit:")
	if err != nil {
		panic(err)
	}
	n, err := hits.Increment(ctx, "client-7", 1, kv.WithTTL(time.Minute))
	if err != nil {
		panic(err)
	}
	fmt.Println(n <= 100)
}
