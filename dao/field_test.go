package dao_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

// TestNewFieldChecksTheDocumentType covers what a field reference can get
// wrong at run time: the path, and the value type (a compile error
// everywhere else).
func TestNewFieldChecksTheDocumentType(t *testing.T) {
	type P = daotest.Person
	for name, err := range map[string]error{
		"unknown field":             errOf(dao.NewField[P, int]("nope")),
		"Go name, not json name":    errOf(dao.NewField[P, string]("Name")),
		"unknown nested field":      errOf(dao.NewField[P, string]("address.nope")),
		"path below a string":       errOf(dao.NewField[P, string]("name.first")),
		"path into a slice":         errOf(dao.NewField[P, string]("tags.0")),
		"field without a json name": errOf(dao.NewField[P, string]("note")),
		"empty path":                errOf(dao.NewField[P, int]("")),
		"string field as int":       errOf(dao.NewField[P, int]("name")),
		"int field as string":       errOf(dao.NewField[P, string]("age")),
		"time field as string":      errOf(dao.NewField[P, string]("born")),
		"int field as int64":        errOf(dao.NewField[P, int64]("age")),
		"*string field as int":      errOf(dao.NewField[P, *int]("nick")),
	} {
		if !errors.Is(err, dao.ErrInvalidFilter) {
			t.Errorf("%s: NewField returned %v, want ErrInvalidFilter", name, err)
		}
	}
	type bad struct {
		ID  string `json:"id"`
		Any any    `json:"any"`
	}
	if err := errOf(dao.NewField[bad, string]("id")); !errors.Is(err, dao.ErrInvalidDocument) {
		t.Errorf("NewField of a document type that cannot be stored returned %v, want ErrInvalidDocument", err)
	}
	for name, err := range map[string]error{
		"string":              errOf(dao.NewField[P, string]("name")),
		"pointer to a string": errOf(dao.NewField[P, *string]("name")),
		"*string as string":   errOf(dao.NewField[P, string]("nick")),
		"nested":              errOf(dao.NewField[P, string]("home.city")),
		"time":                errOf(dao.NewField[P, time.Time]("born")),
		"not a scalar":        errOf(dao.NewField[P, daotest.Address]("address")),
	} {
		if err != nil {
			t.Errorf("%s: NewField returned %v, want nil", name, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustField of an unknown field does not panic")
		}
	}()
	dao.MustField[P, int]("nope")
}

func errOf[V any](_ V, err error) error { return err }

func TestZeroSortIsRefused(t *testing.T) {
	d, err := memdao.New[User, string]()
	if err != nil {
		t.Fatal(err)
	}
	_, err = dao.Collect(d.Find(t.Context(), dao.All[User](), dao.OrderBy(dao.Sort[User]{})))
	if !errors.Is(err, dao.ErrInvalidFilter) {
		t.Errorf("Find with a zero Sort returned %v, want ErrInvalidFilter", err)
	}
}
