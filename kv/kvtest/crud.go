package kvtest

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/kv"
)

func (s *suite) testCRUD(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	_, err := st.Get(ctx, "missing")
	is(t, err, kv.ErrNotFound, "Get of an absent key")
	_, err = st.GetEntry(ctx, "missing")
	is(t, err, kv.ErrNotFound, "GetEntry of an absent key")
	def, err := kv.GetOr(ctx, st, "missing", "fallback")
	ok(t, err, "GetOr")
	eq(t, def, "fallback", "GetOr of an absent key")
	has, err := st.Exists(ctx, "missing")
	ok(t, err, "Exists")
	eq(t, has, false, "Exists of an absent key")
	ok(t, st.Delete(ctx, "missing"), "Delete of an absent key")

	v1, err := st.Set(ctx, "a", "one")
	ok(t, err, "Set")
	if v1 == "" {
		t.Fatal("Set returned an empty version")
	}
	got, err := st.Get(ctx, "a")
	ok(t, err, "Get")
	eq(t, got, "one", "Get after Set")
	got, err = kv.GetOr(ctx, st, "a", "fallback")
	ok(t, err, "GetOr")
	eq(t, got, "one", "GetOr of a stored key")
	e, err := st.GetEntry(ctx, "a")
	ok(t, err, "GetEntry")
	eq(t, e.Key, "a", "Entry.Key")
	eq(t, e.Value, "one", "Entry.Value")
	eq(t, e.Version, v1, "Entry.Version")
	if !e.ExpiresAt.IsZero() {
		t.Fatalf("ExpiresAt without TTL = %v, want zero", e.ExpiresAt)
	}
	has, err = st.Exists(ctx, "a")
	ok(t, err, "Exists")
	eq(t, has, true, "Exists of a stored key")

	v2, err := st.Set(ctx, "a", "two")
	ok(t, err, "Set again")
	if v2 == v1 {
		t.Fatalf("version unchanged by a write: %q", v2)
	}
	got, err = st.Get(ctx, "a")
	ok(t, err, "Get")
	eq(t, got, "two", "Get after overwrite")

	ok(t, st.Delete(ctx, "a"), "Delete")
	_, err = st.Get(ctx, "a")
	is(t, err, kv.ErrNotFound, "Get after Delete")
	has, err = st.Exists(ctx, "a")
	ok(t, err, "Exists")
	eq(t, has, false, "Exists after Delete")
}

func (s *suite) testCodecs(t *testing.T) {
	ctx := context.Background()
	t.Run("Bytes", func(t *testing.T) {
		st := s.bytes(t)
		for key, v := range map[string][]byte{
			"binary": {0, 1, 2, 0xff, 0xfe, '\n', 0},
			"empty":  {},
			"large":  bytes.Repeat([]byte{0xa5, 0x00, 'x'}, 100_000),
		} {
			_, err := st.Set(ctx, key, v)
			ok(t, err, "Set "+key)
			got, err := st.Get(ctx, key)
			ok(t, err, "Get "+key)
			if !bytes.Equal(got, v) {
				t.Fatalf("%s: got %d bytes, want %d bytes", key, len(got), len(v))
			}
		}
	})
	t.Run("Strings", func(t *testing.T) {
		st := s.strs(t)
		for key, v := range map[string]string{
			"ascii": "hello", "unicode": "héllo wörld 世界 🎉", "empty": "", "json-like": `{"a":1}`,
			"digits": "00042", "large": strings.Repeat("abc ", 50_000),
		} {
			_, err := st.Set(ctx, key, v)
			ok(t, err, "Set "+key)
			got, err := st.Get(ctx, key)
			ok(t, err, "Get "+key)
			eq(t, got, v, "Get "+key)
		}
	})
	t.Run("Ints", func(t *testing.T) {
		st := s.ints(t)
		for key, v := range map[string]int64{"zero": 0, "neg": -42, "max": 1<<63 - 1, "min": -1 << 63} {
			_, err := st.Set(ctx, key, v)
			ok(t, err, "Set "+key)
			got, err := st.Get(ctx, key)
			ok(t, err, "Get "+key)
			eq(t, got, v, "Get "+key)
		}
	})
	t.Run("JSON", func(t *testing.T) {
		st := s.docs(t)
		for key, v := range map[string]Doc{
			"full": {Name: "ä \"quoted\" \x01", Count: -3, Tags: []string{"x", "y"}, Attrs: map[string]string{"k": "v", "a$": "d", "": "e"}},
			"zero": {},
		} {
			_, err := st.Set(ctx, key, v)
			ok(t, err, "Set "+key)
			got, err := st.Get(ctx, key)
			ok(t, err, "Get "+key)
			if !reflect.DeepEqual(got, v) {
				t.Fatalf("%s: got %+v, want %+v", key, got, v)
			}
		}
	})
	t.Run("JSONStrings", func(t *testing.T) {
		st, err := s.h.Strings(t, kv.WithCodec(kv.JSON[string]()))
		ok(t, err, "constructor with WithCodec(JSON)")
		_, err = st.Set(ctx, "k", "a \"string\"")
		ok(t, err, "Set")
		got, err := st.Get(ctx, "k")
		ok(t, err, "Get")
		eq(t, got, "a \"string\"", "JSON string round trip")
	})
}

func (s *suite) testNoAliasing(t *testing.T) {
	ctx := context.Background()
	st := s.bytes(t)
	v := []byte("original")
	_, err := st.Set(ctx, "k", v)
	ok(t, err, "Set")
	copy(v, "CHANGED!")
	got, err := st.Get(ctx, "k")
	ok(t, err, "Get")
	eq(t, string(got), "original", "value after the caller changed its slice")
	copy(got, "CHANGED!")
	again, err := st.Get(ctx, "k")
	ok(t, err, "Get")
	eq(t, string(again), "original", "value after the caller changed a returned slice")
}

// testEmptyBytes: an empty []byte value, nil included, reads back as an
// empty non-nil slice from every method.
func (s *suite) testEmptyBytes(t *testing.T) {
	ctx := context.Background()
	st := s.bytes(t)
	ok(t, st.SetMany(ctx, map[string][]byte{"nil": nil, "empty": {}}), "SetMany")
	check := func(v []byte, what string) {
		t.Helper()
		if v == nil || len(v) != 0 {
			t.Fatalf("%s: got %#v, want []byte{}", what, v)
		}
	}
	for _, k := range []string{"nil", "empty"} {
		v, err := st.Get(ctx, k)
		ok(t, err, "Get")
		check(v, "Get "+k)
		e, err := st.GetEntry(ctx, k)
		ok(t, err, "GetEntry")
		check(e.Value, "GetEntry "+k)
	}
	m, err := st.GetMany(ctx, "nil", "empty")
	ok(t, err, "GetMany")
	eq(t, len(m), 2, "GetMany entries")
	for k, v := range m {
		check(v, "GetMany "+k)
	}
	for e, err := range st.Scan(ctx, "") {
		ok(t, err, "Scan")
		check(e.Value, "Scan "+e.Key)
	}
}
