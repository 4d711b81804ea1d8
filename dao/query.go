package dao

import (
	"fmt"
	"reflect"
)

// ValidateFilter checks f against the document type: every field must
// exist, comparisons need a scalar field and a value of its kind (nil is
// allowed for Eq, Ne, In and Nin). The error wraps [ErrInvalidFilter].
func (s *Schema[T, ID]) ValidateFilter(f Filter) error {
	if f.err != nil {
		return f.err
	}
	switch f.op {
	case OpAll:
		return nil
	case OpAnd, OpOr:
		for _, sub := range f.subs {
			if err := s.ValidateFilter(sub); err != nil {
				return err
			}
		}
		return nil
	case OpExists:
		if _, err := s.resolve(f.field); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrInvalidFilter, f, err)
		}
		return nil
	case OpEq, OpNe, OpGt, OpGte, OpLt, OpLte, OpIn, OpNin:
	default:
		return fmt.Errorf("%w: unknown operator %s", ErrInvalidFilter, f.op)
	}
	p, err := s.resolve(f.field)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidFilter, f, err)
	}
	if p.kind == 0 {
		return fmt.Errorf("%w: %s: field %q is not a scalar; only Exists applies to it", ErrInvalidFilter, f, f.field)
	}
	for _, v := range f.values {
		if k := v.Kind(); k != p.kind && k != Null {
			return fmt.Errorf("%w: %s: field %q holds %s values, not %s", ErrInvalidFilter, f, f.field, p.kind, k)
		}
	}
	return nil
}

// Query applies opts and checks them: sort fields must be scalar fields,
// each named once; skip and limit must not be negative. The id is appended
// as the last sort key unless already present. Errors wrap
// [ErrInvalidFilter].
func (s *Schema[T, ID]) Query(opts ...FindOption) (Query, error) {
	var q Query
	for _, o := range opts {
		if o != nil {
			o(&q)
		}
	}
	if q.Skip < 0 || q.Limit < 0 {
		return q, fmt.Errorf("%w: negative skip (%d) or limit (%d)", ErrInvalidFilter, q.Skip, q.Limit)
	}
	seen := map[string]bool{}
	for _, k := range q.Sort {
		p, err := s.resolve(k.Field)
		if err != nil {
			return q, fmt.Errorf("%w: sort: %v", ErrInvalidFilter, err)
		}
		if p.kind == 0 {
			return q, fmt.Errorf("%w: sort: field %q is not a scalar", ErrInvalidFilter, k.Field)
		}
		if seen[k.Field] {
			return q, fmt.Errorf("%w: sort: field %q named twice", ErrInvalidFilter, k.Field)
		}
		seen[k.Field] = true
	}
	if !seen[s.idField] {
		q.Sort = append(q.Sort[:len(q.Sort):len(q.Sort)], Asc(s.idField))
	}
	return q, nil
}

// Lookup returns the scalar at a dotted path in doc and whether the field
// is present (a nil pointer is present and Null; a field left out by
// omitempty, or below a nil pointer, is absent). The path must have passed
// ValidateFilter or Query; Lookup of an unknown path reports absent.
func (s *Schema[T, ID]) Lookup(doc *T, path string) (Value, bool) {
	p, err := s.resolve(path)
	if err != nil {
		return Value{}, false
	}
	v := reflect.ValueOf(doc).Elem()
	for i, st := range p.steps {
		f := v.Field(st.index)
		if st.omitEmpty && isEmpty(f) {
			return Value{}, false
		}
		if i == len(p.steps)-1 {
			if p.kind == 0 {
				return Value{}, true // present, but not a scalar
			}
			val, err := valueOf(f)
			if err != nil { // an overflowing uint: stored documents never hold one
				return Value{}, false
			}
			return val, true
		}
		for f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return Value{}, false
			}
			f = f.Elem()
		}
		v = f
	}
	return Value{}, false
}

// Match reports whether doc matches the validated filter f, with MongoDB's
// semantics: a missing field equals nil, range operators match only values
// of the same kind, Ne and Nin match missing fields.
func (s *Schema[T, ID]) Match(f Filter, doc *T) bool {
	switch f.op {
	case OpAll:
		return true
	case OpAnd:
		for _, sub := range f.subs {
			if !s.Match(sub, doc) {
				return false
			}
		}
		return true
	case OpOr:
		for _, sub := range f.subs {
			if s.Match(sub, doc) {
				return true
			}
		}
		return false
	case OpExists:
		_, present := s.Lookup(doc, f.field)
		return present == f.exists
	}
	x, _ := s.Lookup(doc, f.field)
	switch f.op {
	case OpEq:
		return Compare(x, f.values[0]) == 0
	case OpNe:
		return Compare(x, f.values[0]) != 0
	case OpIn, OpNin:
		in := false
		for _, v := range f.values {
			if Compare(x, v) == 0 {
				in = true
				break
			}
		}
		return in == (f.op == OpIn)
	}
	v := f.values[0]
	if x.Kind() != v.Kind() {
		return false
	}
	c := Compare(x, v)
	switch f.op {
	case OpGt:
		return c > 0
	case OpGte:
		return c >= 0
	case OpLt:
		return c < 0
	case OpLte:
		return c <= 0
	}
	return false
}

// CompareDocs orders two documents by the sort keys of q, as a database
// sorts them (missing fields as null, kinds in [Kind] order).
func (s *Schema[T, ID]) CompareDocs(q Query, a, b *T) int {
	for _, k := range q.Sort {
		x, _ := s.Lookup(a, k.Field)
		y, _ := s.Lookup(b, k.Field)
		if c := Compare(x, y); c != 0 {
			if k.Descending {
				return -c
			}
			return c
		}
	}
	return 0
}

// UniqueKey returns the values of a unique index's fields in doc, missing
// fields as Null.
func (s *Schema[T, ID]) UniqueKey(doc *T, fields []string) []Value {
	key := make([]Value, len(fields))
	for i, f := range fields {
		key[i], _ = s.Lookup(doc, f)
	}
	return key
}
