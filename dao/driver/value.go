package driver

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the class of a scalar [Value]. Kinds are declared in the order in
// which MongoDB sorts values of different types (its BSON comparison
// order), so that every implementation sorts mixed and missing values alike.
type Kind uint8

// The kinds of scalar values. A missing field sorts and compares as Null.
const (
	KindNull   Kind = iota + 1 // null, a nil pointer, or a missing field
	KindNumber                 // every integer and floating point type
	KindString                 // strings, and uuid.UUID in its canonical string form
	KindBinary                 // []byte
	KindBool                   // false sorts before true
	KindTime                   // time.Time, at millisecond precision
)

var kindNames = [...]string{KindNull: "null", KindNumber: "number", KindString: "string", KindBinary: "binary", KindBool: "bool", KindTime: "time"}

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
		return KindNull
	}
	return v.kind
}

// Interface returns the value as nil, int64, float64, string, []byte, bool
// or time.Time (UTC, millisecond precision). Providers translate these into
// their own types.
func (v Value) Interface() any {
	switch v.Kind() {
	case KindNumber:
		if v.isFloat {
			return v.f
		}
		return v.i
	case KindString:
		return v.s
	case KindBinary:
		return v.b
	case KindBool:
		return v.i != 0
	case KindTime:
		return v.t
	}
	return nil
}

// String formats the value for messages.
func (v Value) String() string {
	switch v.Kind() {
	case KindNull:
		return "null"
	case KindString:
		return fmt.Sprintf("%q", v.s)
	case KindTime:
		return v.t.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v.Interface())
}

// TruncateTime returns t as a database keeps it: in UTC, truncated to the
// millisecond (towards the past for times before 1970).
func TruncateTime(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

// NullValue returns the null value (also the zero Value).
func NullValue() Value { return Value{kind: KindNull} }

// IntValue returns the number i.
func IntValue(i int64) Value { return Value{kind: KindNumber, i: i} }

// FloatValue returns the number f. The portable layer never passes NaN or
// an infinity to a driver.
func FloatValue(f float64) Value { return Value{kind: KindNumber, isFloat: true, f: f} }

// StringValue returns the string s (valid UTF-8 when it reaches a driver).
func StringValue(s string) Value { return Value{kind: KindString, s: s} }

// BinaryValue returns the bytes b, without copying them; a nil slice is
// null.
func BinaryValue(b []byte) Value {
	if b == nil {
		return Value{kind: KindNull}
	}
	return Value{kind: KindBinary, b: b}
}

// BoolValue returns the boolean b.
func BoolValue(b bool) Value {
	v := Value{kind: KindBool}
	if b {
		v.i = 1
	}
	return v
}

// TimeValue returns t in UTC, truncated to the millisecond.
func TimeValue(t time.Time) Value { return Value{kind: KindTime, t: TruncateTime(t)} }

// Check reports why a database would refuse or alter v: a NaN or an
// infinite number, or a string that is not valid UTF-8. It returns nil for
// every storable value.
func (v Value) Check() error {
	switch v.Kind() {
	case KindNumber:
		if v.isFloat && (math.IsNaN(v.f) || math.IsInf(v.f, 0)) {
			return fmt.Errorf("%v is not a storable number (NaN and infinities are refused)", v.f)
		}
	case KindString:
		if !utf8.ValidString(v.s) {
			return fmt.Errorf("%q is not valid UTF-8", v.s)
		}
	}
	return nil
}

// Key returns a string that is the same for two values exactly when
// [Compare] reports them equal (1 and 1.0 share a key). In-memory
// implementations use it to index unique fields.
func (v Value) Key() string {
	switch v.Kind() {
	case KindNumber:
		if !v.isFloat {
			return "n" + strconv.FormatInt(v.i, 10)
		}
		f := v.f
		switch {
		case math.IsNaN(f):
			return "nNaN"
		case f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64:
			return "n" + strconv.FormatInt(int64(f), 10)
		}
		return "f" + strconv.FormatFloat(f, 'g', -1, 64)
	case KindString:
		return "s" + v.s
	case KindBinary:
		return "b" + string(v.b)
	case KindBool:
		return "t" + strconv.FormatInt(v.i, 10)
	case KindTime:
		return "d" + strconv.FormatInt(v.t.UnixMilli(), 10)
	}
	return "z"
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
	case KindNumber:
		return compareNumbers(a, b)
	case KindString:
		return strings.Compare(a.s, b.s)
	case KindBinary:
		if c := cmp.Compare(len(a.b), len(b.b)); c != 0 {
			return c
		}
		return bytes.Compare(a.b, b.b)
	case KindBool:
		return cmp.Compare(a.i, b.i)
	case KindTime:
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
