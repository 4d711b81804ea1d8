package kvtest

import (
	"context"
	"math"
	"testing"

	"github.com/hexkit-go/hexkit/kv"
)

func (s *suite) testIncrement(t *testing.T) {
	ctx := context.Background()
	st := s.ints(t)
	n, err := st.Increment(ctx, "n", 5)
	ok(t, err, "Increment of an absent key")
	eq(t, n, 5, "first increment")
	n, err = st.Increment(ctx, "n", -7)
	ok(t, err, "Increment by a negative delta")
	eq(t, n, -2, "after decrement")
	n, err = st.Increment(ctx, "n", 0)
	ok(t, err, "Increment by 0")
	eq(t, n, -2, "after increment by 0")
	got, err := st.Get(ctx, "n")
	ok(t, err, "Get")
	eq(t, got, -2, "Get of a counter")
	_, err = st.Set(ctx, "n", 100)
	ok(t, err, "Set")
	n, err = st.Increment(ctx, "n", 1)
	ok(t, err, "Increment after Set")
	eq(t, n, 101, "increment of a Set value")

	_, err = st.Set(ctx, "big", math.MaxInt64-1)
	ok(t, err, "Set")
	n, err = st.Increment(ctx, "big", 1)
	ok(t, err, "Increment to MaxInt64")
	eq(t, n, math.MaxInt64, "MaxInt64")
	_, err = st.Increment(ctx, "big", 1)
	is(t, err, kv.ErrInvalidValue, "Increment past MaxInt64")
	got, err = st.Get(ctx, "big")
	ok(t, err, "Get")
	eq(t, got, math.MaxInt64, "value after an overflowing Increment")
	_, err = st.Set(ctx, "small", math.MinInt64)
	ok(t, err, "Set")
	_, err = st.Increment(ctx, "small", -1)
	is(t, err, kv.ErrInvalidValue, "Increment below MinInt64")
}

func (s *suite) testConcurrentIncrement(t *testing.T) {
	ctx := context.Background()
	st := s.ints(t)
	s.rounds(t, func() error {
		_, err := st.Increment(ctx, "hits", 1)
		return err
	})
	got, err := st.Get(ctx, "hits")
	ok(t, err, "Get")
	eq(t, got, int64(s.f.Workers*s.f.Rounds), "count after concurrent increments")
}
