package schema

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// ValueOf normalizes a Go value into a driver.Value. It accepts nil, bool,
// every integer and float type, string, []byte, time.Time and uuid.UUID,
// and named types and pointers of those (a nil pointer is null). An
// unsigned integer above the int64 range wraps driver.ErrInvalidDocument;
// other types fail with a plain error.
func ValueOf(x any) (driver.Value, error) {
	if x == nil {
		return driver.NullValue(), nil
	}
	return Scalar(reflect.ValueOf(x))
}

// Scalar is ValueOf for a reflect.Value. It reads an addressable time or
// uuid in place, without allocating.
func Scalar(rv reflect.Value) (driver.Value, error) {
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return driver.NullValue(), nil
		}
		rv = rv.Elem()
	}
	switch rv.Type() {
	case typeTime:
		if rv.CanAddr() {
			return driver.TimeValue(*(*time.Time)(rv.Addr().UnsafePointer())), nil
		}
		return driver.TimeValue(rv.Interface().(time.Time)), nil
	case typeUUID:
		if rv.CanAddr() {
			return driver.StringValue((*(*uuid.UUID)(rv.Addr().UnsafePointer())).String()), nil
		}
		return driver.StringValue(rv.Interface().(uuid.UUID).String()), nil
	}
	switch rv.Kind() {
	case reflect.Bool:
		return driver.BoolValue(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return driver.IntValue(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return driver.Value{}, fmt.Errorf("%w: %d overflows int64", driver.ErrInvalidDocument, u)
		}
		return driver.IntValue(int64(u)), nil
	case reflect.Float32, reflect.Float64:
		return driver.FloatValue(rv.Float()), nil
	case reflect.String:
		return driver.StringValue(rv.String()), nil
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				return driver.NullValue(), nil
			}
			return driver.BinaryValue(bytes.Clone(rv.Bytes())), nil
		}
	}
	return driver.Value{}, fmt.Errorf("%s is not a scalar (want a bool, number, string, []byte, time.Time or uuid.UUID)", rv.Type())
}
