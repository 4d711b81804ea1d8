package kvtest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/kv"
)

// testDirectories: a key that is a directory of another ("p" of "p/q")
// is either stored beside it or, with Features.DirectoryConflicts,
// refused by every write with kv.ErrConflict at once.
func (s *suite) testDirectories(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := s.ints(t)
	_, err := st.Set(ctx, "p/q", 1)
	ok(t, err, "Set p/q")
	_, err = st.Set(ctx, "a", 1)
	ok(t, err, "Set a")
	if !s.f.DirectoryConflicts {
		_, err = st.Set(ctx, "p", 2)
		ok(t, err, "Set of p with p/q stored")
		_, err = st.Set(ctx, "a/b", 2)
		ok(t, err, "Set of a/b with a stored")
		n, err := st.Increment(ctx, "a/b", 1)
		ok(t, err, "Increment of a/b")
		eq(t, n, 3, "Increment of a/b")
		ok(t, st.SetMany(ctx, map[string]int64{"d": 1, "d/e": 1}), "SetMany of d and d/e")
		var keys []string
		for e, err := range st.Scan(ctx, "") {
			ok(t, err, "Scan")
			keys = append(keys, e.Key)
		}
		slices.Sort(keys)
		if want := []string{"a", "a/b", "d", "d/e", "p", "p/q"}; !slices.Equal(keys, want) {
			t.Fatalf("keys: %q, want %q", keys, want)
		}
		return
	}
	_, err = st.Set(ctx, "p", 2)
	is(t, err, kv.ErrConflict, "Set of p with p/q stored")
	_, err = st.Set(ctx, "a/b", 2)
	is(t, err, kv.ErrConflict, "Set of a/b with a stored")
	is(t, st.SetMany(ctx, map[string]int64{"d": 1, "d/e": 1}), kv.ErrConflict, "SetMany of d and d/e")
	if !s.f.NoConditionalWrites {
		_, err = st.Set(ctx, "p", 2, kv.IfAbsent())
		is(t, err, kv.ErrConflict, "Set IfAbsent of p with p/q stored")
		_, err = st.Increment(ctx, "p", 1)
		is(t, err, kv.ErrConflict, "Increment of p with p/q stored")
		_, err = st.Increment(ctx, "a/b", 1)
		is(t, err, kv.ErrConflict, "Increment of a/b with a stored")
	}
	_, err = st.Get(ctx, "p")
	is(t, err, kv.ErrNotFound, "Get of a refused key")
	for k, want := range map[string]int64{"p/q": 1, "a": 1} {
		got, err := st.Get(ctx, k)
		ok(t, err, "Get "+k)
		eq(t, got, want, "value of "+k+" after the refused writes")
	}
}
