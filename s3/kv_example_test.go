package s3_test

import (
	"context"
	"fmt"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/s3"
)

// Idempotency keys in the bucket Python hexkit uses. (Needs a server:
// compiled, not run.)
func ExampleOpenKV() {
	ctx := context.Background()
	cfg := s3.Config{Endpoint: "127.0.0.1:7070", AccessKey: "key", SecretKey: hexkit.NewSecret("secret"), PathStyle: true}
	seen, err := s3.OpenKV[string](ctx, cfg, s3.DefaultKVBucket, "")
	if err != nil {
		panic(err)
	}
	defer seen.Close()
	_, err = seen.Set(ctx, "request-42", "done", kv.IfAbsent())
	fmt.Println(err)
}
