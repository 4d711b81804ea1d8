package kvtest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/kvtest"
	"github.com/hexkit-go/hexkit/kv/memkv"
)

// newStore is a harness function for the in-memory provider: each call
// opens a fresh namespace. A server-backed provider uses a fresh
// collection, bucket or key prefix and removes it in tb.Cleanup.
func newStore[V any](db *memkv.DB) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	n := 0
	return func(_ testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		n++
		return memkv.NewStore(db, fmt.Sprint("space-", n), opts...)
	}
}

// A provider's test builds a Harness and passes it to Run with a
// *testing.T:
//
//	func TestConformance(t *testing.T) { kvtest.Run(t, h, kvtest.Features{}) }
//
// Here one of the rules the suite checks is tried by hand: a JSON value
// with a key a document database refuses is refused by every store.
func ExampleHarness() {
	db, _ := memkv.New()
	h := kvtest.Harness{
		Bytes:   newStore[[]byte](db),
		Strings: newStore[string](db),
		Ints:    newStore[int64](db),
		Docs:    newStore[kvtest.Doc](db),
	}
	docs, err := h.Docs(nil)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	_, err = docs.Set(ctx, "d1", kvtest.Doc{Name: "ok"})
	fmt.Println(err)
	_, err = docs.Set(ctx, "d2", kvtest.Doc{Attrs: map[string]string{"$set": "x"}})
	fmt.Println(errors.Is(err, kv.ErrInvalidValue))
	// Output:
	// <nil>
	// true
}
