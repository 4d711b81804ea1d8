package dao

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
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
}

func TestNewSchemaAcceptsSupportedTypes(t *testing.T) {
	s, err := NewSchema[okDoc, uuid.UUID]()
	if err != nil {
		t.Fatalf("NewSchema: %v", err)
	}
	for _, f := range []Filter{Eq("inner.city", "x"), Eq("ptr.city", nil), Eq("next.next.inner.city", "x"), Exists("list", true), Eq("id", uuid.New())} {
		if err := s.ValidateFilter(f); err != nil {
			t.Errorf("ValidateFilter(%s) = %v, want nil", f, err)
		}
	}
	id := uuid.New()
	d := okDoc{ID: id}
	if s.ID(&d) != id {
		t.Error("ID does not read the id field")
	}
	other := uuid.New()
	s.SetID(&d, other)
	if d.ID != other {
		t.Error("SetID does not set the id field")
	}
}

func TestNewSchemaRefusesUnsupportedTypes(t *testing.T) {
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
	_, err := NewSchema[noTag, string]()
	check("field without a json tag", err, ErrInvalidDocument, "Name needs a json tag")
	type bsonTag struct {
		ID   string `json:"id"`
		Name string `json:"name" bson:"n"`
	}
	_, err = NewSchema[bsonTag, string]()
	check("bson tag", err, ErrInvalidDocument, "bson tag")
	type iface struct {
		ID  string `json:"id"`
		Any any    `json:"any"`
	}
	_, err = NewSchema[iface, string]()
	check("interface field", err, ErrInvalidDocument, "not supported")
	type intMap struct {
		ID string         `json:"id"`
		M  map[int]string `json:"m"`
	}
	_, err = NewSchema[intMap, string]()
	check("map with int keys", err, ErrInvalidDocument, "map keys")
	type array struct {
		ID string `json:"id"`
		A  [3]int `json:"a"`
	}
	_, err = NewSchema[array, string]()
	check("array", err, ErrInvalidDocument, "arrays")
	type embedded struct {
		okInner
		ID string `json:"id"`
	}
	_, err = NewSchema[embedded, string]()
	check("embedded struct", err, ErrInvalidDocument, "embedded")
	_, err = NewSchema[*okDoc, string]()
	check("pointer document type", err, ErrInvalidDocument, "not a struct")
	type floatID struct {
		ID float64 `json:"id"`
	}
	_, err = NewSchema[floatID, float64]()
	check("float id", err, ErrInvalidDocument, "id type")
	_, err = NewSchema[okDoc, string]()
	check("id type mismatch", err, ErrInvalidOption, "want the DAO's id type")
	type underscore struct {
		ID  string `json:"id"`
		Raw string `json:"_id"`
	}
	_, err = NewSchema[underscore, string]()
	check("a field named _id besides the id", err, ErrInvalidOption, "collides")
}

func TestFilterString(t *testing.T) {
	f := And(Eq("a", 1), Or(In("b", "x", nil), Exists("c", false)), Gt("d", 1.5))
	want := `And(Eq("a", 1), Or(In("b", "x", null), Exists("c", false)), Gt("d", 1.5))`
	if got := f.String(); got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}
