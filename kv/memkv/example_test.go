package memkv_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/memkv"
)

// A test moves the clock by hand to see entries expire.
func ExampleClock() {
	ctx := context.Background()
	clock := memkv.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	db, _ := memkv.New(memkv.WithClock(clock.Now))
	tokens, _ := memkv.NewStore[string](db, "tokens")
	_, _ = tokens.Set(ctx, "t", "secret", kv.WithTTL(time.Hour))
	has, _ := tokens.Exists(ctx, "t")
	fmt.Println(has)
	clock.Advance(time.Hour)
	has, _ = tokens.Exists(ctx, "t")
	fmt.Println(has)
	// Output:
	// true
	// false
}

func ExampleNewStore() {
	ctx := context.Background()
	db, err := memkv.New()
	if err != nil {
		panic(err)
	}
	names, err := memkv.NewStore[string](db, "names")
	if err != nil {
		panic(err)
	}
	_, _ = names.Set(ctx, "1", "ada")
	name, _ := names.Get(ctx, "1")
	fmt.Println(name)
	// Output: ada
}
