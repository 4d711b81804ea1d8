package dao

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Kind is the class of a scalar [Value]. Kinds are declared in the order in
// which MongoDB sorts values of different types (its BSON comparison
// order), so that every implementation sorts mixed and missing values alike.
type Kind uint8

// The kinds of scalar values. A missing field sorts and compares as Null.
const (
	Null   Kind = iota + 1 // null, a nil pointer, or a missing field
	Number                 // every integer and floating point type
	String                 // strings, and uuid.UUID in its canonical string form
	Binary                 // []byte
	Bool                   // false sorts before true
	Time                   // time.Time, at millisecond precision
)

var kindNames = [...]string{Null: "null", Number: "number", String: "string", Binary: "binary", Bool: "bool", Time: "time"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is a scalar in a document or a filter, normalized the way a
// database stores it: integers as int64, floats as float64, uuid.UUID as its
// string form, times truncated to milliseconds in UTC. The zero Value is
// Null.
type Value struct {
	kind    Kind
	isFloat bool
	i       int64
	f       float64
	s       string
	b       []byte
	t       time.Time
}

// Kind returns the value's kind.
func (v Value) Kind() Kind {
	if v.kind == 0 {
		return Null
	}
	return v.kind
}

// Interface returns the value as nil, int64, float64, string, []byte, bool
// or time.Time (UTC, millisecond precision). Providers translate these into
// their own types.
func (v Value) Interface() any {
	switch v.Kind() {
	case Number:
		if v.isFloat {
			return v.f
		}
		return v.i
	case String:
		return v.s
	case Binary:
		return v.b
	case Bool:
		return v.i != 0
	case Time:
		return v.t
	}
	return nil
}

// String formats the value for messages.
func (v Value) String() string {
	switch v.Kind() {
	case Null:
		return "null"
	case String:
		return fmt.Sprintf("%q", v.s)
	case Time:
		return v.t.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v.Interface())
}

// TruncateTime returns t as a database keeps it: in UTC, truncated to the
// millisecond (towards the past for times before 1970).
func TruncateTime(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

var (
	typeTime = reflect.TypeFor[time.Time]()
	typeUUID = reflect.TypeFor[uuid.UUID]()
)

// ValueOf normalizes a Go value into a Value. It accepts nil, bool, every
// integer and float type, string, []byte, time.Time and uuid.UUID, and
// named types and pointers of those (a nil pointer is Null).
func ValueOf(x any) (Value, error) {
	if x == nil {
		return Value{kind: Null}, nil
	}
	return valueOf(reflect.ValueOf(x))
}

func valueOf(rv reflect.Value) (Value, error) {
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return Value{kind: Null}, nil
		}
		rv = rv.Elem()
	}
	switch rv.Type() {
	case typeTime:
		return Value{kind: Time, t: TruncateTime(rv.Interface().(time.Time))}, nil
	case typeUUID:
		return Value{kind: String, s: rv.Interface().(uuid.UUID).String()}, nil
	}
	switch rv.Kind() {
	case reflect.Bool:
		v := Value{kind: Bool}
		if rv.Bool() {
			v.i = 1
		}
		return v, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Value{kind: Number, i: rv.Int()}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return Value{}, fmt.Errorf("%w: %d overflows int64", ErrInvalidDocument, u)
		}
		return Value{kind: Number, i: int64(u)}, nil
	case reflect.Float32, reflect.Float64:
		return Value{kind: Number, isFloat: true, f: rv.Float()}, nil
	case reflect.String:
		return Value{kind: String, s: rv.String()}, nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return Value{kind: Null}, nil
			}
			return Value{kind: Binary, b: bytes.Clone(rv.Bytes())}, nil
		}
	}
	return Value{}, fmt.Errorf("%s is not a scalar (want a bool, number, string, []byte, time.Time or uuid.UUID)", rv.Type())
}

// Compare orders two values as MongoDB does: first by kind in the order of
// the Kind constants, then by value: numbers numerically across integer and
// float (NaN below every other number), strings by their UTF-8 bytes,
// binary by length then bytes, false before true, times chronologically.
func Compare(a, b Value) int {
	if c := cmp.Compare(a.Kind(), b.Kind()); c != 0 {
		return c
	}
	switch a.Kind() {
	case Number:
		return compareNumbers(a, b)
	case String:
		return strings.Compare(a.s, b.s)
	case Binary:
		if c := cmp.Compare(len(a.b), len(b.b)); c != 0 {
			return c
		}
		return bytes.Compare(a.b, b.b)
	case Bool:
		return cmp.Compare(a.i, b.i)
	case Time:
		return a.t.Compare(b.t)
	}
	return 0
}

func compareNumbers(a, b Value) int {
	switch {
	case !a.isFloat && !b.isFloat:
		return cmp.Compare(a.i, b.i)
	case a.isFloat && b.isFloat:
		return cmp.Compare(a.f, b.f) // cmp.Compare puts NaN first
	case a.isFloat:
		return -compareIntFloat(b.i, a.f)
	default:
		return compareIntFloat(a.i, b.f)
	}
}

// compareIntFloat compares an int64 with a float64 exactly.
func compareIntFloat(i int64, f float64) int {
	if math.IsNaN(f) {
		return 1
	}
	if c := cmp.Compare(float64(i), f); c != 0 {
		return c
	}
	// float64(i) == f: f is integral; compare exactly where float64 rounds.
	if f >= math.MaxInt64 {
		return -1
	}
	if f < math.MinInt64 {
		return 1
	}
	return cmp.Compare(i, int64(f))
}
