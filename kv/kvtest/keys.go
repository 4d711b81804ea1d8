package kvtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hexkit-go/hexkit/kv"
)

func (s *suite) testKeys(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	keys := []string{
		"a", "with space", "slash/ed/key", "dot.ted", "colon:key", "$dollar", "ünïcödé-世界",
		"%2F", "under_score", "b/.hidden/..x", strings.Repeat("k", kv.MaxSegmentLen) + "/" + strings.Repeat("k", kv.MaxSegmentLen),
		strings.Repeat("é", kv.MaxSegmentLen/2) + "/" + strings.Repeat("é", kv.MaxSegmentLen/2),
		"tab\tkey", "new\nline", "carriage\rreturn", "del\x7f", "c1\u0085\u009f", "nonchar\ufdd0\U0001fffe\U0010ffff",
		"bom\ufeff", "repl\ufffd", ".sgwtmpx", "x.sgwtmp", ".SGWTMP", ".hexkit", "b/.hexkit-x",
	}
	for _, k := range keys {
		_, err := st.Set(ctx, k, "first")
		ok(t, err, "Set "+k)
		_, err = st.Set(ctx, k, "v:"+k) // every key can be replaced too
		ok(t, err, "Set again "+k)
	}
	for _, k := range keys {
		got, err := st.Get(ctx, k)
		ok(t, err, "Get "+k)
		eq(t, got, "v:"+k, "Get "+k)
	}
	n := 0
	for e, err := range st.Scan(ctx, "") {
		ok(t, err, "Scan")
		eq(t, e.Value, "v:"+e.Key, "scanned value of "+e.Key)
		n++
	}
	eq(t, n, len(keys), "scanned entries")
}

func (s *suite) testInvalidKeys(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	for _, k := range []string{
		"", "nul\x00byte", "bad\xffutf8", strings.Repeat("k/", kv.MaxKeyLen/2) + "k",
		"trailing/", "/leading", "double//slash", "./rel", "a/../b", "a/.", strings.Repeat("k", kv.MaxSegmentLen+1), "a/" + strings.Repeat("k", kv.MaxSegmentLen+1),
		"ctl\x01", "esc\x1b[0m", "vt\v", "ff\f", "\x1f", "nonchar\ufffe", "nonchar\uffff",
		".sgwtmp", "a/.sgwtmp", "a/.sgwtmp/b", ".hexkit-probe-1", ".hexkit-",
	} {
		check := func(err error, what string) {
			t.Helper()
			is(t, err, kv.ErrInvalidKey, what)
			var ke *kv.KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("%s: %v is not a *kv.KeyError", what, err)
			}
		}
		_, err := st.Get(ctx, k)
		check(err, "Get")
		_, err = st.GetEntry(ctx, k)
		check(err, "GetEntry")
		_, err = st.Set(ctx, k, "v")
		check(err, "Set")
		check(st.Delete(ctx, k), "Delete")
		_, err = st.Exists(ctx, k)
		check(err, "Exists")
		_, err = st.GetMany(ctx, "fine", k)
		check(err, "GetMany")
		check(st.SetMany(ctx, map[string]string{"fine": "v", k: "v"}), "SetMany")
		if !utf8.ValidString(k) || strings.Contains(k, "\x00") {
			for _, err := range st.Scan(ctx, k) {
				check(err, "Scan prefix")
			}
		}
	}
	has, err := st.Exists(ctx, "fine")
	ok(t, err, "Exists")
	eq(t, has, false, "a key of a refused SetMany was written")
	ints := s.ints(t)
	_, err = ints.Increment(ctx, "", 1)
	is(t, err, kv.ErrInvalidKey, "Increment")
}

func (s *suite) testInvalidValues(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	_, err := st.Set(ctx, "k", "bad\xffutf8")
	is(t, err, kv.ErrInvalidValue, "Set of invalid UTF-8")
	is(t, st.SetMany(ctx, map[string]string{"ok": "fine", "k": "bad\xff"}), kv.ErrInvalidValue, "SetMany of invalid UTF-8")
	has, err := st.Exists(ctx, "ok")
	ok(t, err, "Exists")
	eq(t, has, false, "a key of a refused SetMany was written")
	has, err = st.Exists(ctx, "k")
	ok(t, err, "Exists")
	eq(t, has, false, "a refused value was written")

	docs := s.docs(t)
	for name, d := range map[string]Doc{
		"a key starting with $": {Attrs: map[string]string{"$set": "x"}},
		"a key holding a dot":   {Attrs: map[string]string{"a.b": "x"}},
		"a key holding NUL":     {Attrs: map[string]string{"a\x00": "x"}},
	} {
		_, err := docs.Set(ctx, "d", d)
		is(t, err, kv.ErrInvalidValue, "Set of a JSON value with "+name)
	}
	big, err := s.h.Strings(t, kv.WithCodec[string](rawJSON{}))
	ok(t, err, "constructor")
	for _, v := range []string{
		"18446744073709551615", "{", `{"$x":1}`, `{"a":1,"a":2}`, `{"a":{"b":1,"b":2}}`, `{"a":1,"\u0061":2}`,
		`{"a":1e400}`, `[-1e400]`, `[[1,2],[3]]`, `{"a":[[1]]}`, `{"a":[{"b":[1,[2]]}]}`,
	} {
		_, err = big.Set(ctx, "d", v)
		is(t, err, kv.ErrInvalidValue, "Set of the JSON text "+v)
	}
	has, err = docs.Exists(ctx, "d")
	ok(t, err, "Exists")
	eq(t, has, false, "a refused JSON value was written")
	_, err = big.Set(ctx, "d", `{"a":[1,{"b":[2]}],"c":[]}`)
	ok(t, err, "Set of arrays holding an object that holds an array")
	raw, err := s.h.Strings(t, kv.WithCodec[string](rawText{}))
	ok(t, err, "constructor")
	_, err = raw.Set(ctx, "t", "x\xffy")
	is(t, err, kv.ErrInvalidValue, "Set through a string codec that returns invalid UTF-8")

	type unencodable struct{ C chan int }
	_, err = kv.JSON[unencodable]().Encode(unencodable{C: make(chan int)})
	if err == nil {
		t.Fatal("JSON codec encoded a channel")
	}
}

func (s *suite) testInvalidOptions(t *testing.T) {
	ctx := context.Background()
	_, err := s.h.Strings(t, kv.WithCodec[string](nil))
	is(t, err, kv.ErrInvalidOption, "WithCodec(nil)")
	_, err = s.h.Strings(t, nil)
	is(t, err, kv.ErrInvalidOption, "nil Option")
	_, err = s.h.Docs(t, kv.WithCodec(kv.JSON[Doc]()))
	ok(t, err, "WithCodec(JSON[Doc])")

	st := s.strs(t)
	for name, opts := range map[string][]kv.SetOption{
		"WithTTL(0)":       {kv.WithTTL(0)},
		"WithTTL(-1s)":     {kv.WithTTL(-1)},
		"WithTTL(1µs)":     {kv.WithTTL(1000)},
		"IfVersion(empty)": {kv.IfVersion("")},
		"two conditions":   {kv.IfAbsent(), kv.IfVersion("1")},
		"nil SetOption":    {nil},
	} {
		_, err := st.Set(ctx, "k", "v", opts...)
		is(t, err, kv.ErrInvalidOption, "Set with "+name)
	}
	is(t, st.SetMany(ctx, map[string]string{"k": "v"}, kv.IfAbsent()), kv.ErrInvalidOption, "SetMany with IfAbsent")
	has, err := st.Exists(ctx, "k")
	ok(t, err, "Exists")
	eq(t, has, false, "a refused write was stored")
	ints := s.ints(t)
	_, err = ints.Increment(ctx, "n", 1, kv.IfAbsent())
	is(t, err, kv.ErrInvalidOption, "Increment with IfAbsent")
	_, err = ints.Increment(ctx, "n", 1, kv.WithTTL(0))
	is(t, err, kv.ErrInvalidOption, "Increment with WithTTL(0)")
	_, err = st.Increment(ctx, "n", 1)
	is(t, err, kv.ErrUnsupported, "Increment on a Store[string]")
	jsonInts, err := s.h.Ints(t, kv.WithCodec(kv.JSON[int64]()))
	ok(t, err, "constructor")
	_, err = jsonInts.Increment(ctx, "n", 1)
	is(t, err, kv.ErrUnsupported, "Increment on a Store[int64] with a JSON codec")
}

// rawJSON is a codec whose values are JSON texts, as written.
type rawJSON struct{}

// rawText is a FormatString codec that passes its text through unchecked.
type rawText struct{}

func (rawText) Format() kv.Format               { return kv.FormatString }
func (rawText) Encode(v string) ([]byte, error) { return []byte(v), nil }
func (rawText) Decode(b []byte) (string, error) { return string(b), nil }

func (rawJSON) Format() kv.Format               { return kv.FormatJSON }
func (rawJSON) Encode(v string) ([]byte, error) { return []byte(v), nil }
func (rawJSON) Decode(b []byte) (string, error) { return string(b), nil }
