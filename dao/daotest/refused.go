package daotest

import (
	"fmt"
	"math"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
)

// testRefusedValues checks the values a database refuses or silently
// alters, which every implementation refuses before writing: NaN and
// infinities (FerretDB drops the connection on NaN and refuses
// infinities), map keys starting with '$' or holding '.' or NUL or
// invalid UTF-8 (refused by the server), and strings that are not valid
// UTF-8 (FerretDB stores U+FFFD instead, silently).
func (s *suite) testRefusedValues(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	base := Person{ID: "a", Name: "Ada", Attrs: map[string]string{"k": "v"}}
	noErr(t, "Insert", d.Insert(ctx, base))
	bad := map[string]func(p *Person){
		"NaN":                      func(p *Person) { p.Score = math.NaN() },
		"+Inf":                     func(p *Person) { p.Score = math.Inf(1) },
		"-Inf":                     func(p *Person) { p.Score = math.Inf(-1) },
		"NaN in a map":             func(p *Person) { p.Ratings = map[string]float64{"x": math.NaN()} },
		"map key $set":             func(p *Person) { p.Attrs = map[string]string{"$set": "v"} },
		"map key a.b":              func(p *Person) { p.Attrs = map[string]string{"a.b": "v"} },
		"map key with NUL":         func(p *Person) { p.Ratings = map[string]float64{"a\x00b": 1} },
		"map key not UTF-8":        func(p *Person) { p.Attrs = map[string]string{"\xff": "v"} },
		"string not UTF-8":         func(p *Person) { p.Name = "a\xffb" },
		"nested string not UTF-8":  func(p *Person) { p.Address.City = "\xc3" },
		"pointer not UTF-8":        func(p *Person) { p.Nick = ptr("\xff") },
		"slice element not UTF-8":  func(p *Person) { p.Tags = []string{"ok", "\xfe"} },
		"map value not UTF-8":      func(p *Person) { p.Attrs = map[string]string{"k": "\xff"} },
		"string in a *Address bad": func(p *Person) { p.Home = &Address{Street: "\xff"} },
	}
	for name, spoil := range bad {
		p := base
		spoil(&p)
		fresh := p
		fresh.ID = "new"
		isErr(t, fmt.Sprintf("Insert of a document with %s", name), d.Insert(ctx, fresh), dao.ErrInvalidDocument)
		isErr(t, fmt.Sprintf("Update of a document with %s", name), errOf(d.Update(ctx, p)), dao.ErrInvalidDocument)
		isErr(t, fmt.Sprintf("Upsert of a document with %s", name), errOf(d.Upsert(ctx, p)), dao.ErrInvalidDocument)
	}
	got, err := d.Get(ctx, "a")
	noErr(t, "Get", err)
	equal(t, "refused writes change nothing", got, base)
	n, err := d.Count(ctx, dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "refused writes insert nothing", n, int64(1))

	ok := Person{ID: "b", Attrs: map[string]string{"a$b": "dollar inside", "": "empty key"}, Ratings: map[string]float64{"max": math.MaxFloat64}}
	noErr(t, "keys with '$' inside and the empty key are stored", d.Insert(ctx, ok))
	got, err = d.Get(ctx, "b")
	noErr(t, "Get", err)
	equal(t, "such keys round-trip", got, ok)

	err = d.Insert(ctx, Person{ID: "\xff"})
	isErr(t, "Insert with an id that is not UTF-8 (ErrInvalidDocument)", err, dao.ErrInvalidDocument)
	isErr(t, "Insert with an id that is not UTF-8 (ErrInvalidID)", err, dao.ErrInvalidID)
	_, err = d.Get(ctx, "a\xff")
	isErr(t, "Get of an id that is not UTF-8", err, dao.ErrInvalidID)
	isErr(t, "Delete of an id that is not UTF-8", d.Delete(ctx, "\xff"), dao.ErrInvalidID)
	n, err = d.Count(ctx, dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "refused ids store nothing", n, int64(2))
}
