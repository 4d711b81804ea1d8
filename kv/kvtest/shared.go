package kvtest

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/hexkit-go/hexkit/kv"
)

// shared returns a harness over one fresh namespace, or skips t when the
// provider's harness has none.
func (s *suite) shared(t *testing.T) Harness {
	t.Helper()
	if s.h.Shared == nil {
		t.Skip("Harness.Shared is not set")
	}
	return s.h.Shared(t)
}

// testCounterForm: Increment and a Store[int64] read only the decimal form
// strconv.FormatInt writes, on every provider (Redis's INCRBY refuses the
// others).
func (s *suite) testCounterForm(t *testing.T) {
	ctx := context.Background()
	sh := s.shared(t)
	strs := must(sh.Strings(t))(t)
	ints := must(sh.Ints(t))(t)
	for _, v := range []string{"+5", "007", "-0", "00000000000000000000001", " 5", "5 ", "5.0", "1e3", "abc", "", "9223372036854775808"} {
		_, err := strs.Set(ctx, "c", v)
		ok(t, err, "Set")
		_, err = ints.Increment(ctx, "c", 1)
		is(t, err, kv.ErrInvalidValue, "Increment of the stored text "+v)
		_, err = ints.Get(ctx, "c")
		is(t, err, kv.ErrInvalidValue, "Get on a Store[int64] of the stored text "+v)
		got, err := strs.Get(ctx, "c")
		ok(t, err, "Get")
		eq(t, got, v, "value after a refused Increment")
	}
	for v, want := range map[string]int64{"-5": -4, "0": 1, "41": 42, "-9223372036854775808": -9223372036854775807} {
		_, err := strs.Set(ctx, "c", v)
		ok(t, err, "Set")
		n, err := ints.Increment(ctx, "c", 1)
		ok(t, err, "Increment of the stored text "+v)
		eq(t, n, want, "Increment of the stored text "+v)
	}
}

// testSharedNamespace: stores of different value types but one Format
// share entries on every provider.
func (s *suite) testSharedNamespace(t *testing.T) {
	ctx := context.Background()
	sh := s.shared(t)
	strs := must(sh.Strings(t))(t)
	ints := must(sh.Ints(t))(t)
	_, err := ints.Increment(ctx, "n", 7)
	ok(t, err, "Increment")
	got, err := strs.Get(ctx, "n")
	ok(t, err, "Get of a counter by a Store[string]")
	eq(t, got, "7", "counter read by a Store[string]")

	docs := must(sh.Docs(t))(t)
	raw := must(sh.Strings(t, kv.WithCodec[string](rawJSON{})))(t)
	_, err = docs.Set(ctx, "d", Doc{Name: "a", Count: 1})
	ok(t, err, "Set")
	text, err := raw.Get(ctx, "d")
	ok(t, err, "Get of a JSON value by another JSON store")
	eq(t, text, `{"name":"a","count":1}`, "JSON value read by another JSON store")
}

// testSharedConcurrentIncrement: two stores on one namespace, incremented
// concurrently, lose no update between them.
func (s *suite) testSharedConcurrentIncrement(t *testing.T) {
	ctx := context.Background()
	sh := s.shared(t)
	a := must(sh.Ints(t))(t)
	b := must(sh.Ints(t))(t)
	var n atomic.Int64
	s.rounds(t, func() error {
		st := a
		if n.Add(1)%2 == 0 {
			st = b
		}
		_, err := st.Increment(ctx, "hits", 1)
		return err
	})
	got, err := a.Get(ctx, "hits")
	ok(t, err, "Get")
	eq(t, got, int64(s.f.Workers*s.f.Rounds), "count after concurrent increments through two stores")
}
