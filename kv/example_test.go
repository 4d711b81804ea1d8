package kv_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/memkv"
)

type Session struct {
	User  string   `json:"user"`
	Roles []string `json:"roles"`
}

func Example() {
	ctx := context.Background()
	db, _ := memkv.New()
	sessions, err := memkv.NewStore[Session](db, "sessions")
	if err != nil {
		panic(err)
	}
	if _, err := sessions.Set(ctx, "s-1", Session{User: "ada", Roles: []string{"admin"}}, kv.WithTTL(30*time.Minute)); err != nil {
		panic(err)
	}
	s, err := sessions.Get(ctx, "s-1")
	fmt.Println(s.User, s.Roles, err)
	_, err = sessions.Get(ctx, "s-2")
	fmt.Println(errors.Is(err, kv.ErrNotFound))
	// Output:
	// ada [admin] <nil>
	// true
}

func ExampleGetOr() {
	ctx := context.Background()
	db, _ := memkv.New()
	settings, _ := memkv.NewStore[string](db, "settings")
	theme, err := kv.GetOr(ctx, settings, "theme", "light")
	fmt.Println(theme, err)
	// Output: light <nil>
}

func ExampleIfVersion() {
	ctx := context.Background()
	db, _ := memkv.New()
	docs, _ := memkv.NewStore[[]string](db, "lists")
	_, _ = docs.Set(ctx, "todo", []string{"write"})

	// Read, change, write back only if nobody wrote in between; retry on
	// a conflict.
	for {
		e, err := docs.GetEntry(ctx, "todo")
		if err != nil {
			panic(err)
		}
		_, err = docs.Set(ctx, "todo", append(e.Value, "test"), kv.IfVersion(e.Version))
		if errors.Is(err, kv.ErrConflict) {
			continue
		}
		if err != nil {
			panic(err)
		}
		break
	}
	list, _ := docs.Get(ctx, "todo")
	fmt.Println(list)
	// Output: [write test]
}

func ExampleIfAbsent() {
	ctx := context.Background()
	db, _ := memkv.New()
	seen, _ := memkv.NewStore[string](db, "idempotency")
	_, err := seen.Set(ctx, "request-42", "done", kv.IfAbsent(), kv.WithTTL(24*time.Hour))
	fmt.Println(err)
	_, err = seen.Set(ctx, "request-42", "done", kv.IfAbsent(), kv.WithTTL(24*time.Hour))
	fmt.Println(errors.Is(err, kv.ErrConflict))
	// Output:
	// <nil>
	// true
}

func ExampleStore_Increment() {
	ctx := context.Background()
	clock := memkv.NewClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	db, _ := memkv.New(memkv.WithClock(clock.Now))
	hits, _ := memkv.NewStore[int64](db, "ratelimit")

	// A fixed window of one minute: the first hit creates the counter
	// with its expiry, later ones keep it.
	for range 3 {
		n, _ := hits.Increment(ctx, "client-7", 1, kv.WithTTL(time.Minute))
		fmt.Println(n)
	}
	clock.Advance(time.Minute)
	n, _ := hits.Increment(ctx, "client-7", 1, kv.WithTTL(time.Minute))
	fmt.Println(n)
	// Output:
	// 1
	// 2
	// 3
	// 1
}

func ExampleStore_Scan() {
	ctx := context.Background()
	db, _ := memkv.New()
	st, _ := memkv.NewStore[string](db, "config")
	_ = st.SetMany(ctx, map[string]string{"app/color": "blue", "app/size": "L", "other": "x"})
	for e, err := range st.Scan(ctx, "app/") {
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Key, e.Value) // memkv yields keys in order; other providers may not
	}
	// Output:
	// app/color blue
	// app/size L
}

func ExampleWithCodec() {
	ctx := context.Background()
	db, _ := memkv.New()
	st, _ := memkv.NewStore(db, "json-strings", kv.WithCodec(kv.JSON[string]()))
	_, _ = st.Set(ctx, "greeting", "hello")
	raw, _ := memkv.NewStore[[]byte](db, "json-strings")
	b, _ := raw.Get(ctx, "greeting")
	fmt.Println(string(b))
	// Output: "hello"
}

func ExampleCheckKey() {
	err := kv.CheckKey("")
	var ke *kv.KeyError
	fmt.Println(errors.Is(err, kv.ErrInvalidKey), errors.As(err, &ke), ke.Reason)
	// Output: true true empty
}
