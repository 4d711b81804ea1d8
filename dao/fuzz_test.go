package dao_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

type fuzzDoc struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Score float64           `json:"score"`
	Tags  map[string]string `json:"tags"`
	Inner struct {
		City string `json:"city"`
	} `json:"inner"`
}

// FuzzFilterBuilding feeds arbitrary field paths and values through typed
// fields into a DAO: nothing panics, every refusal is a sentinel, and what
// is accepted reads and writes consistently.
func FuzzFilterBuilding(f *testing.F) {
	f.Add("name", "ada", 1.5, "k", "v")
	f.Add("inner.city", "Rome", math.Inf(1), "$set", "x")
	f.Add("inner..city", "\xff", math.NaN(), "a.b", "\x00")
	f.Add("", "", 0.0, "", "")
	f.Add("tags", "x", math.Copysign(0, -1), "ok", "\xfe")
	f.Fuzz(func(t *testing.T, path, s string, score float64, key, val string) {
		ctx := context.Background()
		d, err := memdao.New[fuzzDoc, string]()
		if err != nil {
			t.Fatal(err)
		}
		doc := fuzzDoc{ID: "id-" + s, Name: s, Score: score, Tags: map[string]string{key: val}}
		werr := d.Insert(ctx, doc)
		switch {
		case werr == nil:
			badKey := strings.HasPrefix(key, "$") || strings.ContainsAny(key, ".\x00") || !utf8.ValidString(key)
			badString := !utf8.ValidString(s) || !utf8.ValidString(val)
			if badKey || badString || math.IsNaN(score) || math.IsInf(score, 0) {
				t.Fatalf("Insert(%+v) = nil, want a refusal", doc)
			}
			got, err := d.Get(ctx, doc.ID)
			if err != nil || got.Name != s {
				t.Fatalf("Get after Insert = %+v, %v", got, err)
			}
		case errors.Is(werr, dao.ErrInvalidDocument), errors.Is(werr, dao.ErrInvalidID):
		default:
			t.Fatalf("Insert(%+v) = %v, want nil, ErrInvalidDocument or ErrInvalidID", doc, werr)
		}

		name, nerr := dao.NewField[fuzzDoc, string](path)
		if nerr != nil {
			if !errors.Is(nerr, dao.ErrInvalidFilter) {
				t.Fatalf("NewField(%q) = %v, want ErrInvalidFilter", path, nerr)
			}
			return
		}
		for _, flt := range []dao.Filter[fuzzDoc]{name.Eq(s), name.Gte(s), name.In(s, val), dao.Or(name.Ne(s), name.Exists(true))} {
			n, err := d.Count(ctx, flt)
			if err != nil && !errors.Is(err, dao.ErrInvalidFilter) {
				t.Fatalf("Count(%v) = %v, want nil or ErrInvalidFilter", flt, err)
			}
			if err == nil && (n < 0 || n > 1) {
				t.Fatalf("Count(%v) = %d in a DAO of at most one document", flt, n)
			}
			if _, err := dao.Collect(d.Find(ctx, flt, dao.OrderBy(name.Desc()))); err != nil && !errors.Is(err, dao.ErrInvalidFilter) {
				t.Fatalf("Find(%v) = %v, want nil or ErrInvalidFilter", flt, err)
			}
		}
	})
}
