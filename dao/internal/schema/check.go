package schema

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// checker reports why the value at p cannot be stored. Checkers are
// compiled once per document type from its fields' offsets, so checking a
// document walks only the fields that can hold a refused value (strings,
// floats, large unsigned integers, maps) without reflection; only maps are
// read through package reflect.
type checker func(p unsafe.Pointer) error

// Check reports why doc, a pointer to a value of the schema's type, cannot
// be stored as it is: a NaN or infinite float, a string that is not valid
// UTF-8, a map key that starts with '$' or holds '.' or NUL or is not
// valid UTF-8, or an unsigned integer above the int64 range. The error
// wraps driver.ErrInvalidDocument and names the field.
func (s *Schema) Check(doc unsafe.Pointer) error {
	if s.check == nil {
		return nil
	}
	if err := s.check(doc); err != nil {
		return fmt.Errorf("%w: %w", driver.ErrInvalidDocument, err)
	}
	return nil
}

// CheckKey reports why a database refuses k as a key of a stored map.
func CheckKey(k string) error {
	switch {
	case strings.HasPrefix(k, "$"):
		return fmt.Errorf("map key %q starts with '$'", k)
	case strings.Contains(k, "."):
		return fmt.Errorf("map key %q contains '.'", k)
	case strings.Contains(k, "\x00"):
		return fmt.Errorf("map key %q contains NUL", k)
	case !utf8.ValidString(k):
		return fmt.Errorf("map key %q is not valid UTF-8", k)
	}
	return nil
}

func checkString(p unsafe.Pointer) error {
	if s := *(*string)(p); !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", s)
	}
	return nil
}

func checkFloat(f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%v is not a storable number (NaN and infinities are refused)", f)
	}
	return nil
}

func checkFloat64(p unsafe.Pointer) error { return checkFloat(*(*float64)(p)) }

func checkFloat32(p unsafe.Pointer) error { return checkFloat(float64(*(*float32)(p))) }

func checkUint64(p unsafe.Pointer) error {
	if u := *(*uint64)(p); u > math.MaxInt64 {
		return fmt.Errorf("%d overflows int64", u)
	}
	return nil
}

type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

type fieldCheck struct {
	name   string
	offset uintptr
	check  checker
}

// compile returns the checker of t, or nil when no value of t can be
// refused. seen holds the struct types being compiled, so that recursive
// types terminate.
func compile(t reflect.Type, seen map[reflect.Type]*checker) checker {
	if t == typeTime || t == typeUUID {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return checkString
	case reflect.Float64:
		return checkFloat64
	case reflect.Float32:
		return checkFloat32
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		if t.Size() == 8 {
			return checkUint64
		}
	case reflect.Pointer:
		elem := compile(t.Elem(), seen)
		if elem == nil {
			return nil
		}
		return func(p unsafe.Pointer) error {
			if q := *(*unsafe.Pointer)(p); q != nil {
				return elem(q)
			}
			return nil
		}
	case reflect.Slice:
		elem := compile(t.Elem(), seen)
		if elem == nil {
			return nil
		}
		size := t.Elem().Size()
		return func(p unsafe.Pointer) error {
			h := (*sliceHeader)(p)
			for i := range h.len {
				if err := elem(unsafe.Add(h.data, uintptr(i)*size)); err != nil {
					return fieldError(fmt.Sprintf("[%d]", i), err)
				}
			}
			return nil
		}
	case reflect.Map:
		return compileMap(t, compile(t.Elem(), seen))
	case reflect.Struct:
		return compileStruct(t, seen)
	}
	return nil
}

func compileMap(t reflect.Type, elem checker) checker {
	return func(p unsafe.Pointer) error {
		m := reflect.NewAt(t, p).Elem()
		if m.Len() == 0 {
			return nil
		}
		key := reflect.New(t.Key()).Elem()
		var val reflect.Value
		if elem != nil {
			val = reflect.New(t.Elem()).Elem()
		}
		for it := m.MapRange(); it.Next(); {
			key.SetIterKey(it)
			k := key.String()
			if err := CheckKey(k); err != nil {
				return err
			}
			if elem != nil {
				val.SetIterValue(it)
				if err := elem(val.Addr().UnsafePointer()); err != nil {
					return fieldError(k, err)
				}
			}
		}
		return nil
	}
}

func compileStruct(t reflect.Type, seen map[reflect.Type]*checker) checker {
	if c, ok := seen[t]; ok { // a recursive type: use the checker being built
		return func(p unsafe.Pointer) error { return (*c)(p) }
	}
	c := new(checker)
	*c = func(unsafe.Pointer) error { return nil }
	seen[t] = c
	var fields []fieldCheck
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, skip, err := jsonName(sf)
		if skip || err != nil {
			continue
		}
		if fc := compile(sf.Type, seen); fc != nil {
			fields = append(fields, fieldCheck{name: name, offset: sf.Offset, check: fc})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	*c = func(p unsafe.Pointer) error {
		for _, f := range fields {
			if err := f.check(unsafe.Add(p, f.offset)); err != nil {
				return fieldError(f.name, err)
			}
		}
		return nil
	}
	return *c
}
