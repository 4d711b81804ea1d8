package dao

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao/driver"
)

type okInner struct {
	City string `json:"city"`
}

type okDoc struct {
	ID      uuid.UUID          `json:"id"`
	Inner   okInner            `json:"inner"`
	Ptr     *okInner           `json:"ptr,omitempty"`
	List    []okInner          `json:"list"`
	Map     map[string]okInner `json:"map"`
	When    time.Time          `json:"when"`
	Skipped chan int           `json:"-"`
	private func()             //lint:ignore U1000 an unexported field the schema must skip
	Next    *okDoc             `json:"next"`
	Blobs   [][]byte           `json:"blobs"`  // an array of binaries
	Deep    []map[string][]int `json:"deep"`   // arrays inside documents inside an array
	Rows    []okRow            `json:"rows"`   // arrays inside documents inside an array
	PBlobs  []*[]byte          `json:"pblobs"` // an array of binaries or nulls
}

type okRow struct {
	Cells []int `json:"cells"`
}

// nopCollection is a driver that stores nothing, for testing the checks
// dao.New makes.
type nopCollection struct{ driver.Collection }

func (nopCollection) Init(context.Context, driver.Schema) error { return nil }

func newNop[T any, ID comparable](opts ...Option[T]) (DAO[T, ID], error) {
	return New[T, ID](context.Background(), nopCollection{}, opts...)
}

func TestNewAcceptsSupportedTypes(t *testing.T) {
	d, err := newNop[okDoc, uuid.UUID]()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, f := range []Filter[okDoc]{
		MustField[okDoc, string]("inner.city").Eq("x"), MustField[okDoc, *string]("ptr.city").Eq(nil),
		MustField[okDoc, string]("next.next.inner.city").Eq("x"), MustField[okDoc, []okInner]("list").Exists(true),
		MustField[okDoc, uuid.UUID]("id").Eq(uuid.New()),
	} {
		if err := f.Err(); err != nil {
			t.Errorf("filter %s: %v, want nil", f, err)
		}
	}
	s := d.(*store[okDoc, uuid.UUID])
	id := uuid.New()
	doc := okDoc{ID: id}
	if *s.idPtr(&doc) != id {
		t.Error("idPtr does not point to the id field")
	}
	other := uuid.New()
	*s.idPtr(&doc) = other
	if doc.ID != other {
		t.Error("idPtr does not set the id field")
	}
}

func TestNewRefusesUnsupportedTypes(t *testing.T) {
	check := func(name string, err error, want error, words string) {
		t.Helper()
		if !errors.Is(err, want) || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want %v mentioning %q", name, err, want, words)
		}
	}
	type noTag struct {
		ID   string `json:"id"`
		Name string
	}
	_, err := newNop[noTag, string]()
	check("field without a json tag", err, ErrInvalidDocument, "Name needs a json tag")
	type bsonTag struct {
		ID   string `json:"id"`
		Name string `json:"name" bson:"n"`
	}
	_, err = newNop[bsonTag, string]()
	check("bson tag", err, ErrInvalidDocument, "bson tag")
	type iface struct {
		ID  string `json:"id"`
		Any any    `json:"any"`
	}
	_, err = newNop[iface, string]()
	check("interface field", err, ErrInvalidDocument, "not supported")
	type intMap struct {
		ID string         `json:"id"`
		M  map[int]string `json:"m"`
	}
	_, err = newNop[intMap, string]()
	check("map with int keys", err, ErrInvalidDocument, "map keys")
	type inline struct {
		ID   string  `json:"id"`
		Addr okInner `json:"addr,inline"`
	}
	_, err = newNop[inline, string]()
	check("json tag option inline", err, ErrInvalidDocument, "bson option")
	type array struct {
		ID string `json:"id"`
		A  [3]int `json:"a"`
	}
	_, err = newNop[array, string]()
	check("array", err, ErrInvalidDocument, "arrays")
	type nested struct {
		ID string  `json:"id"`
		NA [][]int `json:"na"`
	}
	_, err = newNop[nested, string]()
	check("slice of slices", err, ErrInvalidDocument, "slice of slices")
	type nestedPtr struct {
		ID string      `json:"id"`
		NA []*[]string `json:"na"`
	}
	_, err = newNop[nestedPtr, string]()
	check("slice of pointers to slices", err, ErrInvalidDocument, "slice of slices")
	type nestedInMap struct {
		ID string                 `json:"id"`
		M  map[string][][]float64 `json:"m"`
	}
	_, err = newNop[nestedInMap, string]()
	check("map of slices of slices", err, ErrInvalidDocument, "slice of slices")
	type nestedPtrOuter struct {
		ID string    `json:"id"`
		NA *[][]bool `json:"na"`
	}
	_, err = newNop[nestedPtrOuter, string]()
	check("pointer to a slice of slices", err, ErrInvalidDocument, "slice of slices")
	type embedded struct {
		okInner
		ID string `json:"id"`
	}
	_, err = newNop[embedded, string]()
	check("embedded struct", err, ErrInvalidDocument, "embedded")
	_, err = newNop[*okDoc, string]()
	check("pointer document type", err, ErrInvalidDocument, "not a struct")
	type floatID struct {
		ID float64 `json:"id"`
	}
	_, err = newNop[floatID, float64]()
	check("float id", err, ErrInvalidDocument, "id type")
	_, err = newNop[okDoc, string]()
	check("id type mismatch", err, ErrInvalidOption, "want the DAO's id type")
	type underscore struct {
		ID  string `json:"id"`
		Raw string `json:"_id"`
	}
	_, err = newNop[underscore, string]()
	check("a field named _id besides the id", err, ErrInvalidOption, "collides")
}

func TestFilterString(t *testing.T) {
	type doc struct {
		A int     `json:"a"`
		B *string `json:"b"`
		C string  `json:"c"`
		D float64 `json:"d"`
	}
	x := "x"
	b := MustField[doc, *string]("b")
	f := And(MustField[doc, int]("a").Eq(1), Or(b.In(&x, nil), MustField[doc, string]("c").Exists(false)), MustField[doc, float64]("d").Gt(1.5))
	want := `And(Eq("a", 1), Or(In("b", "x", null), Exists("c", false)), Gt("d", 1.5))`
	if got := f.String(); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}
