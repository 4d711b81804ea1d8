package dao

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/dao/internal/schema"
)

// Field is a reference to a field of document type T that holds values of
// type V, named by its json path ("age", or "address.city" into nested
// structs). Make it once with [NewField] or [MustField], usually as a
// package-level variable next to the document type, and build filters and
// sort keys from it: a value of another type than V, or a filter of
// another document type than T, does not compile.
//
//	var (
//		userAge  = dao.MustField[User, int]("age")
//		userCity = dao.MustField[User, string]("address.city")
//	)
//
//	users.Find(ctx, dao.And(userAge.Gte(18), userCity.Eq("Rome")), dao.OrderBy(userAge.Desc()))
//
// V is the field's Go type F, or *F, or, when F is a pointer type, its
// element type. A nil pointer compares as null: a Field[User, *string] of
// a string field that is omitempty matches its absence with Eq(nil). A Field is a
// small value, immutable and safe to share. The zero Field is invalid:
// every filter built from it fails with [ErrInvalidFilter].
type Field[T any, V any] struct {
	path string
	kind driver.Kind // 0: not a scalar; only Exists applies
	conv func(V) (driver.Value, error)
}

// AnyField is a [Field] of document type T whatever its value type: the
// fields of a unique index ([WithUnique]) have different value types.
type AnyField[T any] interface {
	ref() fieldRef[T]
}

type fieldRef[T any] struct {
	path string
	kind driver.Kind
}

func (f Field[T, V]) ref() fieldRef[T] { return fieldRef[T]{path: f.path, kind: f.kind} }

// NewField returns a reference to the field of T at the dotted json path,
// checking once that T has it and that it holds values of type V. An
// unknown path or another value type fails with [ErrInvalidFilter], a
// document type that cannot be stored with [ErrInvalidDocument].
//
// NewField is also the way to name a field chosen at run time (a sort key
// from a request): there is no filter that takes a field name as a string
// and a value as any, so every filter is checked against T before use.
func NewField[T any, V any](path string) (Field[T, V], error) {
	s, err := schema.For(reflect.TypeFor[T]())
	if err != nil {
		return Field[T, V]{}, err
	}
	p, err := s.Resolve(path)
	if err != nil {
		return Field[T, V]{}, fmt.Errorf("%w: %s: %v", ErrInvalidFilter, s.Type, err)
	}
	ft, vt := p.Leaf(), reflect.TypeFor[V]()
	if vt != ft && (ft.Kind() != reflect.Pointer || ft.Elem() != vt) && (vt.Kind() != reflect.Pointer || vt.Elem() != ft) {
		return Field[T, V]{}, fmt.Errorf("%w: field %q of %s holds %s, not %s", ErrInvalidFilter, path, s.Type, ft, vt)
	}
	return Field[T, V]{path: path, kind: p.Kind, conv: converter[V]()}, nil
}

// MustField is [NewField] for package-level variables: it panics where
// NewField returns an error, so a wrong field name fails when the program
// starts.
func MustField[T any, V any](path string) Field[T, V] {
	f, err := NewField[T, V](path)
	if err != nil {
		panic(err)
	}
	return f
}

// Path returns the field's dotted json path.
func (f Field[T, V]) Path() string { return f.path }

// String returns the field's dotted json path.
func (f Field[T, V]) String() string { return f.path }

// compare builds a single-value filter.
func (f Field[T, V]) compare(op driver.Op, v V) Filter[T] {
	out := Filter[T]{f: driver.Filter{Op: op, Field: f.path}}
	if out.err = f.usable(op); out.err != nil {
		return out
	}
	val, err := f.value(op, v)
	if err != nil {
		out.err = err
		return out
	}
	if val.Kind() == driver.KindNull && op >= driver.OpGt && op <= driver.OpLte {
		out.err = fmt.Errorf("%w: %s(%q): nil has no order; use Eq, Ne or Exists", ErrInvalidFilter, op, f.path)
		return out
	}
	out.f.Value = val
	return out
}

func (f Field[T, V]) usable(op driver.Op) error {
	switch {
	case f.conv == nil:
		return fmt.Errorf("%w: %s on a zero Field; make fields with NewField or MustField", ErrInvalidFilter, op)
	case f.kind == 0 && op != driver.OpExists:
		return fmt.Errorf("%w: %s(%q): the field is not a scalar; only Exists applies to it", ErrInvalidFilter, op, f.path)
	}
	return nil
}

func (f Field[T, V]) set(op driver.Op, vs []V) Filter[T] {
	out := Filter[T]{f: driver.Filter{Op: op, Field: f.path}}
	if out.err = f.usable(op); out.err != nil {
		return out
	}
	out.f.Values = make([]driver.Value, len(vs))
	for i, v := range vs {
		val, err := f.value(op, v)
		if err != nil {
			out.err = err
			return out
		}
		out.f.Values[i] = val
	}
	return out
}

// value converts and checks one value of a filter.
func (f Field[T, V]) value(op driver.Op, v V) (driver.Value, error) {
	val, err := f.conv(v)
	if err == nil {
		err = val.Check()
	}
	if err != nil {
		return val, fmt.Errorf("%w: %s(%q): %v", ErrInvalidFilter, op, f.path, err)
	}
	return val, nil
}

// Eq matches documents whose field equals v. When V is a pointer type,
// Eq(nil) matches a null or missing field.
func (f Field[T, V]) Eq(v V) Filter[T] { return f.compare(driver.OpEq, v) }

// Ne matches documents whose field does not equal v, including documents
// where the field is missing (unless v is nil).
func (f Field[T, V]) Ne(v V) Filter[T] { return f.compare(driver.OpNe, v) }

// Gt matches documents whose field is greater than v. Like every range
// operator it matches only values of v's kind: a null or missing field
// never matches.
func (f Field[T, V]) Gt(v V) Filter[T] { return f.compare(driver.OpGt, v) }

// Gte matches documents whose field is greater than or equal to v.
func (f Field[T, V]) Gte(v V) Filter[T] { return f.compare(driver.OpGte, v) }

// Lt matches documents whose field is less than v.
func (f Field[T, V]) Lt(v V) Filter[T] { return f.compare(driver.OpLt, v) }

// Lte matches documents whose field is less than or equal to v.
func (f Field[T, V]) Lte(v V) Filter[T] { return f.compare(driver.OpLte, v) }

// In matches documents whose field equals one of vs. In with no values
// matches nothing.
func (f Field[T, V]) In(vs ...V) Filter[T] { return f.set(driver.OpIn, vs) }

// Nin matches documents whose field equals none of vs (a missing field
// matches unless vs holds nil). Nin with no values matches everything.
func (f Field[T, V]) Nin(vs ...V) Filter[T] { return f.set(driver.OpNin, vs) }

// Exists matches documents where the field is present (when want is true)
// or absent (when want is false). A field holding null is present; a field
// left out by the omitempty tag option, or below a nil pointer, is absent.
// Exists also applies to fields that are structs, slices or maps.
func (f Field[T, V]) Exists(want bool) Filter[T] {
	out := Filter[T]{f: driver.Filter{Op: driver.OpExists, Field: f.path, Exists: want}}
	out.err = f.usable(driver.OpExists)
	return out
}

// Asc sorts by the field, smallest first (null and missing first).
func (f Field[T, V]) Asc() Sort[T] { return f.sort(false) }

// Desc sorts by the field, largest first (null and missing last).
func (f Field[T, V]) Desc() Sort[T] { return f.sort(true) }

func (f Field[T, V]) sort(desc bool) Sort[T] {
	s := Sort[T]{key: driver.Sort{Field: f.path, Descending: desc}}
	switch {
	case f.conv == nil:
		s.err = fmt.Errorf("%w: sort by a zero Field; make fields with NewField or MustField", ErrInvalidFilter)
	case f.kind == 0:
		s.err = fmt.Errorf("%w: sort: field %q is not a scalar", ErrInvalidFilter, f.path)
	}
	return s
}

// converter returns the function that turns a V into a driver value:
// without reflection or allocation for the scalar kinds, through
// reflection for the rest (pointers, []byte, small integer types).
func converter[V any]() func(V) (driver.Value, error) {
	t := reflect.TypeFor[V]()
	switch t {
	case typeTime:
		return func(v V) (driver.Value, error) {
			return driver.TimeValue(*(*time.Time)(unsafe.Pointer(&v))), nil
		}
	case typeUUID:
		return func(v V) (driver.Value, error) {
			return driver.StringValue((*(*uuid.UUID)(unsafe.Pointer(&v))).String()), nil
		}
	}
	switch t.Kind() {
	case reflect.String:
		return func(v V) (driver.Value, error) { return driver.StringValue(*(*string)(unsafe.Pointer(&v))), nil }
	case reflect.Bool:
		return func(v V) (driver.Value, error) { return driver.BoolValue(*(*bool)(unsafe.Pointer(&v))), nil }
	case reflect.Int:
		return func(v V) (driver.Value, error) { return driver.IntValue(int64(*(*int)(unsafe.Pointer(&v)))), nil }
	case reflect.Int64:
		return func(v V) (driver.Value, error) { return driver.IntValue(*(*int64)(unsafe.Pointer(&v))), nil }
	case reflect.Int32:
		return func(v V) (driver.Value, error) { return driver.IntValue(int64(*(*int32)(unsafe.Pointer(&v)))), nil }
	case reflect.Float64:
		return func(v V) (driver.Value, error) { return driver.FloatValue(*(*float64)(unsafe.Pointer(&v))), nil }
	}
	return func(v V) (driver.Value, error) { return schema.ValueOf(v) }
}

var (
	typeTime = reflect.TypeFor[time.Time]()
	typeUUID = reflect.TypeFor[uuid.UUID]()
)
