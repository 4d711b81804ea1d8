package kvtest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/kv"
)

func (s *suite) testScan(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	for e, err := range st.Scan(ctx, "") {
		t.Fatalf("Scan of an empty store yielded %+v, %v", e, err)
	}
	keys := []string{"user/1", "user/2", "user/10", "users", "admin/1", "u"}
	for _, k := range keys {
		_, err := st.Set(ctx, k, "v:"+k)
		ok(t, err, "Set")
	}
	scan := func(prefix string) []string {
		t.Helper()
		var got []string
		for e, err := range st.Scan(ctx, prefix) {
			ok(t, err, "Scan "+prefix)
			eq(t, e.Value, "v:"+e.Key, "scanned value")
			if e.Version == "" {
				t.Fatalf("Scan yielded %q without a version", e.Key)
			}
			got = append(got, e.Key)
		}
		slices.Sort(got)
		return got
	}
	want := slices.Clone(keys)
	slices.Sort(want)
	if got := scan(""); !slices.Equal(got, want) {
		t.Fatalf("Scan all: got %q, want %q", got, want)
	}
	if got := scan("user/"); !slices.Equal(got, []string{"user/1", "user/10", "user/2"}) {
		t.Fatalf("Scan user/: got %q", got)
	}
	if got := scan("user"); !slices.Equal(got, []string{"user/1", "user/10", "user/2", "users"}) {
		t.Fatalf("Scan user: got %q", got)
	}
	if got := scan("nothing"); len(got) != 0 {
		t.Fatalf("Scan nothing: got %q", got)
	}
	if got := scan("user/1"); !slices.Equal(got, []string{"user/1", "user/10"}) {
		t.Fatalf("Scan user/1: got %q", got)
	}
	n := 0
	for range st.Scan(ctx, "") {
		n++
		break
	}
	eq(t, n, 1, "entries before an early break")
}

func (s *suite) testBatch(t *testing.T) {
	ctx := context.Background()
	st := s.docs(t)
	in := map[string]Doc{"a": {Name: "a", Count: 1}, "b": {Name: "b", Count: 2}, "c": {Name: "c"}}
	ok(t, st.SetMany(ctx, in), "SetMany")
	ok(t, st.SetMany(ctx, nil), "SetMany of nothing")
	got, err := st.GetMany(ctx, "a", "b", "c", "missing", "a")
	ok(t, err, "GetMany")
	if len(got) != 3 || got["a"].Count != 1 || got["b"].Count != 2 || got["c"].Name != "c" {
		t.Fatalf("GetMany: got %+v", got)
	}
	none, err := st.GetMany(ctx)
	ok(t, err, "GetMany of no keys")
	eq(t, len(none), 0, "GetMany of no keys")
	ok(t, st.SetMany(ctx, map[string]Doc{"t": {Name: "t"}}, kv.WithTTL(time.Hour)), "SetMany with TTL")
	e, err := st.GetEntry(ctx, "t")
	ok(t, err, "GetEntry")
	if e.ExpiresAt.IsZero() {
		t.Fatal("SetMany with TTL stored no expiry")
	}
	var keys []string
	for e, err := range st.Scan(ctx, "") {
		ok(t, err, "Scan")
		keys = append(keys, e.Key)
	}
	slices.Sort(keys)
	want := slices.Sorted(maps.Keys(in))
	want = append(want, "t")
	if !slices.Equal(keys, want) {
		t.Fatalf("keys after SetMany: %q, want %q", keys, want)
	}
}

func (s *suite) testCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := s.strs(t)
	_, err := st.Get(ctx, "k")
	is(t, err, context.Canceled, "Get with a canceled context")
	_, err = st.Set(ctx, "k", "v")
	is(t, err, context.Canceled, "Set with a canceled context")
	has, err := st.Exists(context.Background(), "k")
	ok(t, err, "Exists")
	eq(t, has, false, "Set with a canceled context wrote")
	for _, err := range st.Scan(ctx, "") {
		is(t, err, context.Canceled, "Scan with a canceled context")
	}
	ints := s.ints(t)
	_, err = ints.Increment(ctx, "n", 1)
	is(t, err, context.Canceled, "Increment with a canceled context")
}

func (s *suite) testClosed(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	_, err := st.Set(ctx, "k", "v")
	ok(t, err, "Set")
	ok(t, st.Close(), "Close")
	ok(t, st.Close(), "second Close")
	_, err = st.Get(ctx, "k")
	is(t, err, kv.ErrClosed, "Get after Close")
	_, err = st.Set(ctx, "k", "v")
	is(t, err, kv.ErrClosed, "Set after Close")
	is(t, st.Delete(ctx, "k"), kv.ErrClosed, "Delete after Close")
	for _, err := range st.Scan(ctx, "") {
		if !errors.Is(err, kv.ErrClosed) {
			t.Fatalf("Scan after Close: %v", err)
		}
	}
}

// testScanCancellation: ctx ending during a scan stops it at once with
// ctx's error, unwrapped, even when the provider has read ahead.
func (s *suite) testScanCancellation(t *testing.T) {
	st := s.strs(t)
	ok(t, st.SetMany(context.Background(), map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}), "SetMany")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := 0
	var errs []error
	for _, err := range st.Scan(ctx, "") {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(errs) > 0 {
			t.Fatal("Scan yielded an entry after an error")
		}
		seen++
		cancel()
	}
	eq(t, seen, 1, "entries yielded after the context was canceled, plus one")
	eq(t, len(errs), 1, "errors yielded")
	if errs[0] != context.Canceled {
		t.Fatalf("Scan after cancel: got error %v, want context.Canceled unwrapped", errs[0])
	}
}
