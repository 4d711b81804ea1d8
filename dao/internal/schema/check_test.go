package schema

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/hexkit-go/hexkit/dao/driver"
)

type inner struct {
	S string  `json:"s"`
	F float32 `json:"f"`
}

type node struct {
	ID     string           `json:"id"`
	N      int              `json:"n"`
	U      uint64           `json:"u"`
	In     inner            `json:"in"`
	List   []inner          `json:"list"`
	ByKey  map[string]inner `json:"by_key"`
	Next   *node            `json:"next"`
	Hidden string           `json:"-"`
}

func TestCheckFindsRefusedValuesWhereverTheyAre(t *testing.T) {
	s, err := For(reflect.TypeFor[node]())
	if err != nil {
		t.Fatal(err)
	}
	check := func(n node) error { return s.Check(unsafe.Pointer(&n)) }
	ok := node{ID: "a", List: []inner{{S: "x"}}, ByKey: map[string]inner{"k": {S: "y", F: 1}, "": {}, "a$b": {}},
		Next: &node{ID: "b", Next: &node{}}, Hidden: "\xff"}
	if err := check(ok); err != nil {
		t.Errorf("a storable document: %v", err)
	}
	for name, tc := range map[string]struct {
		n    node
		path string
	}{
		"NaN float32 in a struct":      {node{In: inner{F: float32(math.NaN())}}, "field in.f"},
		"bad string in a slice":        {node{List: []inner{{}, {S: "\xff"}}}, "field list[1].s"},
		"bad string in a map value":    {node{ByKey: map[string]inner{"k": {S: "\xff"}}}, "field by_key.k.s"},
		"map key with a dot":           {node{ByKey: map[string]inner{"a.b": {}}}, "contains '.'"},
		"deep in a recursive type":     {node{Next: &node{Next: &node{ID: "\xfe"}}}, "field next.next.id"},
		"unsigned above int64":         {node{U: math.MaxUint64}, "overflows int64"},
		"infinity in a recursive list": {node{Next: &node{In: inner{F: float32(math.Inf(1))}}}, "field next.in.f"},
	} {
		err := check(tc.n)
		if !errors.Is(err, driver.ErrInvalidDocument) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: Check = %v, want ErrInvalidDocument mentioning %q", name, err, tc.path)
		}
	}
}

func TestNormalizeStoresNegativeZeroAsZero(t *testing.T) {
	s, err := For(reflect.TypeFor[node]())
	if err != nil {
		t.Fatal(err)
	}
	src := node{In: inner{F: float32(math.Copysign(0, -1))}}
	var dst node
	if err := s.Normalize(reflect.ValueOf(&dst).Elem(), reflect.ValueOf(src)); err != nil {
		t.Fatal(err)
	}
	if math.Signbit(float64(dst.In.F)) {
		t.Error("a negative zero is stored as -0; FerretDB returns 0")
	}
}
