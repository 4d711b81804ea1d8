package schema

import (
	"reflect"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// Lookup returns the scalar at a path in doc (a struct value) and whether
// the field is present (a nil pointer is present and null; a field left
// out by omitempty, or below a nil pointer, is absent).
func (s *Schema) Lookup(doc reflect.Value, p *Path) (driver.Value, bool) {
	v := doc
	for i, st := range p.Steps {
		f := v.Field(st.Index)
		if st.OmitEmpty && isEmpty(f) {
			return driver.Value{}, false
		}
		if i == len(p.Steps)-1 {
			if p.Kind == 0 {
				return driver.Value{}, true // present, but not a scalar
			}
			val, err := Scalar(f)
			if err != nil { // an overflowing uint: stored documents never hold one
				return driver.Value{}, false
			}
			return val, true
		}
		for f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return driver.Value{}, false
			}
			f = f.Elem()
		}
		v = f
	}
	return driver.Value{}, false
}

func (s *Schema) lookup(doc reflect.Value, field string) (driver.Value, bool) {
	p, err := s.Resolve(field)
	if err != nil {
		return driver.Value{}, false
	}
	return s.Lookup(doc, p)
}

// Match reports whether doc (a struct value) matches the checked filter f,
// with MongoDB's semantics: a missing field equals null, range operators
// match only values of the same kind, Ne and Nin match missing fields.
func (s *Schema) Match(f driver.Filter, doc reflect.Value) bool {
	switch f.Op {
	case driver.OpAll:
		return true
	case driver.OpAnd:
		for _, sub := range f.Filters {
			if !s.Match(sub, doc) {
				return false
			}
		}
		return true
	case driver.OpOr:
		for _, sub := range f.Filters {
			if s.Match(sub, doc) {
				return true
			}
		}
		return false
	case driver.OpExists:
		_, present := s.lookup(doc, f.Field)
		return present == f.Exists
	}
	x, _ := s.lookup(doc, f.Field)
	switch f.Op {
	case driver.OpEq:
		return driver.Compare(x, f.Value) == 0
	case driver.OpNe:
		return driver.Compare(x, f.Value) != 0
	case driver.OpIn, driver.OpNin:
		in := false
		for _, v := range f.Values {
			if driver.Compare(x, v) == 0 {
				in = true
				break
			}
		}
		return in == (f.Op == driver.OpIn)
	}
	v := f.Value
	if x.Kind() != v.Kind() {
		return false
	}
	c := driver.Compare(x, v)
	switch f.Op {
	case driver.OpGt:
		return c > 0
	case driver.OpGte:
		return c >= 0
	case driver.OpLt:
		return c < 0
	case driver.OpLte:
		return c <= 0
	}
	return false
}

// CompareDocs orders two documents (struct values) by the sort keys, as a
// database sorts them (missing fields as null, kinds in driver.Kind order).
func (s *Schema) CompareDocs(keys []driver.Sort, a, b reflect.Value) int {
	for _, k := range keys {
		x, _ := s.lookup(a, k.Field)
		y, _ := s.lookup(b, k.Field)
		if c := driver.Compare(x, y); c != 0 {
			if k.Descending {
				return -c
			}
			return c
		}
	}
	return 0
}

// UniqueKey returns the values of a unique index's fields in doc, missing
// fields as null.
func (s *Schema) UniqueKey(doc reflect.Value, fields []string) []driver.Value {
	key := make([]driver.Value, len(fields))
	for i, f := range fields {
		key[i], _ = s.lookup(doc, f)
	}
	return key
}
