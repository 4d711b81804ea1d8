package schema

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// Normalize sets dst (an addressable struct value of the schema's type) to
// a deep copy of src as a database stores and returns it: times in UTC
// truncated to milliseconds, fields left out by omitempty (and fields
// without a json name) at their zero value, negative zero as zero (as
// FerretDB returns it), a pointer to a nil pointer, slice or map as nil
// (stored as null), nothing shared with src. The in-memory provider
// stores and returns normalized copies so it behaves like the database.
func (s *Schema) Normalize(dst, src reflect.Value) error {
	return s.copyValue(dst, src)
}

type zeroer interface{ IsZero() bool }

var typeZeroer = reflect.TypeFor[zeroer]()

// isEmpty mirrors how MongoDB's Go driver decides that an omitempty field
// is left out.
func isEmpty(v reflect.Value) bool {
	if (v.Kind() != reflect.Pointer || !v.IsNil()) && v.Type().Implements(typeZeroer) {
		return v.Interface().(zeroer).IsZero()
	}
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}

// isNull reports whether v is stored as null: a nil pointer, slice or map.
func isNull(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}

func (s *Schema) copyValue(dst, src reflect.Value) error {
	switch src.Type() {
	case typeTime:
		dst.Set(reflect.ValueOf(driver.TruncateTime(src.Interface().(time.Time))))
		return nil
	case typeUUID:
		dst.Set(src)
		return nil
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return nil
		}
		n := reflect.New(src.Type().Elem())
		if err := s.copyValue(n.Elem(), src.Elem()); err != nil {
			return err
		}
		if isNull(n.Elem()) {
			return nil // stored as null, read back as a nil pointer
		}
		dst.Set(n)
	case reflect.Struct:
		for _, f := range s.structs[src.Type()].fields {
			sf := src.Field(f.Index)
			if f.OmitEmpty && isEmpty(sf) {
				continue
			}
			if err := s.copyValue(dst.Field(f.Index), sf); err != nil {
				return fmt.Errorf("%s: %w", f.Name, err)
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return nil
		}
		if src.Type().Elem().Kind() == reflect.Uint8 {
			dst.SetBytes(bytes.Clone(src.Bytes()))
			if src.Len() == 0 {
				dst.SetBytes([]byte{})
			}
			return nil
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			if err := s.copyValue(n.Index(i), src.Index(i)); err != nil {
				return err
			}
		}
		dst.Set(n)
	case reflect.Map:
		if src.IsNil() {
			return nil
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			e := reflect.New(src.Type().Elem()).Elem()
			if err := s.copyValue(e, it.Value()); err != nil {
				return err
			}
			n.SetMapIndex(it.Key(), e)
		}
		dst.Set(n)
	case reflect.Float32, reflect.Float64:
		dst.Set(src)
		if src.Float() == 0 { // -0 reads back as 0 from FerretDB
			dst.SetFloat(0)
		}
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		if src.Uint() > math.MaxInt64 {
			return fmt.Errorf("%w: %d overflows int64", driver.ErrInvalidDocument, src.Uint())
		}
		dst.Set(src)
	default:
		dst.Set(src)
	}
	return nil
}
