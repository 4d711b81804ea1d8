package kv

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/hexkit-go/hexkit/kv/driver"
)

// Format is how a codec's output is stored. Backends store each format in
// the layout other clients of the same backend use (see the providers'
// docs): bytes as binary, text as a string, JSON as a document where the
// backend has documents.
type Format uint8

const (
	// FormatBytes: opaque bytes.
	FormatBytes Format = iota
	// FormatString: valid UTF-8 text.
	FormatString
	// FormatJSON: a JSON text.
	FormatJSON
)

// Codec turns values of type V into stored bytes and back. The default
// codec of a store is chosen by V: []byte is stored as is (FormatBytes;
// an empty value, nil included, reads back as an empty non-nil slice),
// string as is (FormatString), int64 as decimal text (FormatString, the
// only type Increment works on), any other type as JSON (FormatJSON).
// The int64 codec reads only the form strconv.FormatInt writes, as
// Increment does: "+5", "007" and "-0" are not int64 values
// ([ErrInvalidValue]). [WithCodec] replaces it.
type Codec[V any] interface {
	Format() Format
	Encode(v V) ([]byte, error)
	Decode(b []byte) (V, error)
}

// JSON returns the codec that stores values of type V as JSON texts
// (FormatJSON), with encoding/json.
func JSON[V any]() Codec[V] { return jsonCodec[V]{} }

type jsonCodec[V any] struct{}

func (jsonCodec[V]) Format() Format { return FormatJSON }

func (jsonCodec[V]) Encode(v V) ([]byte, error) { return json.Marshal(v) }

func (jsonCodec[V]) Decode(b []byte) (V, error) {
	var v V
	err := json.Unmarshal(b, &v)
	return v, err
}

type bytesCodec struct{}

func (bytesCodec) Format() Format                  { return FormatBytes }
func (bytesCodec) Encode(v []byte) ([]byte, error) { return v, nil }
func (bytesCodec) Decode(b []byte) ([]byte, error) {
	if b == nil {
		return []byte{}, nil // an empty value reads back the same on every provider
	}
	return b, nil
}

type stringCodec struct{}

func (stringCodec) Format() Format { return FormatString }

// Encode leaves the UTF-8 check to the store, which applies it to the text
// of every FormatString codec.
func (stringCodec) Encode(v string) ([]byte, error) { return []byte(v), nil }
func (stringCodec) Decode(b []byte) (string, error) { return string(b), nil }

type intCodec struct{}

func (intCodec) Format() Format                 { return FormatString }
func (intCodec) Encode(v int64) ([]byte, error) { return strconv.AppendInt(nil, v, 10), nil }
func (intCodec) Decode(b []byte) (int64, error) {
	n, err := driver.ParseInt(b)
	if err != nil {
		return 0, fmt.Errorf("%.32q is not a decimal int64 as strconv.FormatInt writes it", b)
	}
	return n, nil
}

// defaultCodec picks the codec of V.
func defaultCodec[V any]() Codec[V] {
	var c any
	switch any(*new(V)).(type) {
	case []byte:
		c = bytesCodec{}
	case string:
		c = stringCodec{}
	case int64:
		c = intCodec{}
	default:
		return jsonCodec[V]{}
	}
	return c.(Codec[V])
}

// utf8ValidNoNUL reports whether s is valid UTF-8 without a NUL byte.
func utf8ValidNoNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return false
		}
	}
	return utf8.ValidString(s)
}
