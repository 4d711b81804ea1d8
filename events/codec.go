package events

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf16"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Event is implemented by every typed event. EventType returns the event
// type that travels in the "type" header; it must use a value receiver and
// must not depend on the value's fields: the zero value of an event type
// names it, which is how [Handle] infers the type a handler accepts and how
// publishers stamp outgoing events. A pointer type (an EventType on a
// pointer receiver) or an interface type is refused when the publisher is
// built or the handler registered, with a *[ValidationError] (field "type")
// wrapping [ErrInvalidMessage].
type Event interface {
	EventType() string
}

// Codec encodes typed events into message payloads and decodes them back.
// Implementations must be safe for concurrent use. The default is
// [JSONCodec]; a custom codec owns its format, but events shared with other
// hexkit services (Go or Python) must be JSON objects.
type Codec[E any] interface {
	Encode(e E) ([]byte, error)
	Decode(payload []byte) (E, error)
}

// JSONCodec returns the default codec: JSON with the event's json struct
// tags, encoded by encoding/json and decoded with encoding/json's
// semantics (case-insensitive names, unknown and duplicate names accepted,
// and so on) by a faster decoder, the reference implementation of the
// standard library's JSON v2 in its v1 mode, in one pass over the payload
// (on a 1 KiB event about four times faster with a third of the
// allocations; a fuzz test checks that it accepts, refuses and decodes
// every payload as encoding/json does). Types with a json.Number or a
// ",string" field decode with encoding/json itself. Both directions insist
// on a JSON object, as the wire format requires: an event that encodes to
// anything else (an array, a string, null) is rejected before sending, and
// a payload that is not an object is rejected on delivery.
//
// Encoded payloads are pure ASCII: characters beyond ASCII inside strings
// are written as \uXXXX escapes (surrogate pairs above U+FFFF). Python
// hexkit decodes payloads as ASCII, so this keeps every event readable by
// Python services; decoding accepts UTF-8 as well as escapes.
//
// Strings must be valid UTF-8: encoding/json would silently replace invalid
// bytes with U+FFFD, so an event with an invalid string (in a field, a map
// key or a json.RawMessage) fails to encode with [ErrInvalidUTF8] instead,
// and nothing is sent.
func JSONCodec[E any]() Codec[E] {
	t := reflect.TypeFor[E]()
	return &jsonCodec[E]{legacy: needsEncodingJSON(t, map[reflect.Type]bool{}), byValue: hasAddrMarshaler(t)}
}

// jsonCodec encodes with encoding/json and decodes with a faster decoder
// set to encoding/json's semantics, which it matches on every input but
// for two kinds of field: a number with the ",string" option, where it
// also accepts a leading '+', and a json.Number, which it takes for a
// string. Types with such a field (legacy) decode with encoding/json.
//
// Both directions hand encoding/json a *E taken from values, a pool of
// zeroed values, rather than an E stored in an interface, which would
// allocate a copy of every event. Encoding a pointer differs from encoding
// the value only for types that implement json.Marshaler or
// encoding.TextMarshaler on the pointer alone: encoding/json calls those
// methods on addressable values, and the fields of an event passed by
// value are not addressable. Types with such a method where it would be
// reached (byValue) are encoded by value, as before.
type jsonCodec[E any] struct {
	legacy  bool
	byValue bool
	values  sync.Pool // of *E, zero while in the pool

	// streamOff is set once a payload that the streaming decode refused
	// decoded with encoding/json's semantics: E then needs them (its
	// struct has field names only those semantics settle), so later
	// payloads go there at once.
	streamOff atomic.Bool
}

// value returns a zero *E for one call to encoding/json.
func (c *jsonCodec[E]) value() *E {
	if v, ok := c.values.Get().(*E); ok {
		return v
	}
	return new(E)
}

// release zeroes v, dropping what it references, and returns it to the
// pool.
func (c *jsonCodec[E]) release(v *E) {
	var zero E
	*v = zero
	c.values.Put(v)
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// hasAddrMarshaler reports whether t, or a struct field or array element
// that a value of type t holds without indirection, has a type that
// implements json.Marshaler or encoding.TextMarshaler on its pointer only:
// then encoding a *t and a t can differ (see jsonCodec).
func hasAddrMarshaler(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return false
	}
	for _, m := range []reflect.Type{jsonMarshalerType, textMarshalerType} {
		if !t.Implements(m) && reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	switch t.Kind() {
	case reflect.Array:
		return hasAddrMarshaler(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasAddrMarshaler(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

// numberType is encoding/json's Number, which only encoding/json decodes
// from a JSON number: to the faster decoder it is a string.
var numberType = reflect.TypeFor[json.Number]()

// needsEncodingJSON reports whether t, or a type it holds, has what only
// encoding/json decodes as itself: a field with the ",string" json option
// or a json.Number.
func needsEncodingJSON(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == numberType {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return needsEncodingJSON(t.Elem(), seen)
	case reflect.Struct:
	default:
		return false
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if _, opts, _ := strings.Cut(f.Tag.Get("json"), ","); strings.Contains(","+opts+",", ",string,") {
			return true
		}
		if needsEncodingJSON(f.Type, seen) {
			return true
		}
	}
	return false
}

// ErrInvalidUTF8 is the JSON codec's complaint about an event holding a
// string that is not valid UTF-8. On publish it comes wrapped in a
// *[PayloadError], so errors.Is(err, ErrInvalidMessage) holds too.
var ErrInvalidUTF8 = errors.New("string is not valid UTF-8")

// errNotObject is the codec's complaint about a payload that is valid
// bytes but not a JSON object.
var errNotObject = errors.New("payload is not a JSON object")

func (c *jsonCodec[E]) Encode(e E) ([]byte, error) {
	var b []byte
	var err error
	if c.byValue {
		b, err = json.Marshal(e)
	} else {
		v := c.value()
		*v = e
		b, err = json.Marshal(v)
		c.release(v)
	}
	if err != nil {
		return nil, err
	}
	if !isJSONObject(b) {
		return nil, errNotObject
	}
	if replacedInvalidUTF8(b) {
		return nil, ErrInvalidUTF8
	}
	out, ok := escapeNonASCII(b)
	if !ok {
		return nil, ErrInvalidUTF8
	}
	return out, nil
}

// replacedUTF8 is what encoding/json writes in place of each invalid byte of
// a string. A valid U+FFFD is written as its raw UTF-8 bytes, so the escape
// appears in an encoder's output only where it replaced invalid bytes, or
// where the string held a backslash followed by "ufffd", which the encoder
// writes with the backslash doubled.
var replacedUTF8 = []byte(`\ufffd`)

// replacedInvalidUTF8 reports whether the JSON document b, as encoding/json
// wrote it, holds a \ufffd escape that stands for replaced invalid bytes:
// one preceded by an even number of backslashes.
func replacedInvalidUTF8(b []byte) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], replacedUTF8)
		if i < 0 {
			return false
		}
		i += off
		n := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return true
		}
		off = i + len(replacedUTF8)
	}
}

// escapeNonASCII rewrites the non-ASCII characters of the JSON document b,
// which can only occur inside strings, as \uXXXX escapes. It returns b
// itself when b is already ASCII, and false when b holds bytes that are not
// UTF-8 (encoding/json passes the strings of a json.RawMessage or a custom
// MarshalJSON through unchecked).
func escapeNonASCII(b []byte) ([]byte, bool) {
	i := 0
	const high = 0x8080808080808080 // the top bit of each of eight bytes
	for ; i+32 <= len(b); i += 32 { // 32 bytes at a time while they are ASCII
		w := b[i : i+32]
		if (binary.LittleEndian.Uint64(w)|binary.LittleEndian.Uint64(w[8:])|
			binary.LittleEndian.Uint64(w[16:])|binary.LittleEndian.Uint64(w[24:]))&high != 0 {
			break
		}
	}
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return b, true
	}
	const hex = "0123456789abcdef"
	out := make([]byte, i, len(b)+len(b)/2)
	copy(out, b[:i])
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, false
		}
		i += size
		r1, r2 := r, rune(-1)
		if r > 0xFFFF {
			r1, r2 = utf16.EncodeRune(r)
		}
		for _, u := range [2]rune{r1, r2} {
			if u < 0 {
				break
			}
			out = append(out, '\\', 'u', hex[u>>12&0xF], hex[u>>8&0xF], hex[u>>4&0xF], hex[u&0xF])
		}
	}
	return out, true
}

func (c *jsonCodec[E]) Decode(payload []byte) (E, error) {
	if !isJSONObject(payload) {
		var zero E
		return zero, errNotObject
	}
	v := c.value()
	var err error
	switch {
	case c.legacy:
		err = json.Unmarshal(payload, v)
	case !c.streamOff.Load():
		if err = jsonv2.Unmarshal(payload, v, streamOptions); err == nil {
			break
		}
		// Refused: decode again with encoding/json's semantics, whose
		// answer (and error) counts.
		var zero E
		*v = zero
		if err = jsonv2.Unmarshal(payload, v, decodeOptions); err == nil {
			c.streamOff.Store(true)
		}
	default:
		err = jsonv2.Unmarshal(payload, v, decodeOptions)
	}
	e := *v
	c.release(v)
	return e, err
}

// decodeOptions make the faster decoder behave as encoding/json's
// Unmarshal: names match case-insensitively, unknown and duplicate names
// are accepted, invalid UTF-8 is replaced, and so on (the v1 defaults).
var decodeOptions = jsonv1.DefaultOptionsV1()

// streamOptions are decodeOptions without encoding/json's way of reporting
// errors, which includes a pass over the whole document to check its
// syntax before decoding it. Without it the document is checked while it
// is decoded, in one pass; the rest of that option only turns documents
// that encoding/json accepts into errors (a struct whose field names
// collide, a name that matches several fields case-insensitively) or
// changes the error returned. So a payload decoded under streamOptions
// decodes to the same value under decodeOptions, and Decode takes a
// refusal of streamOptions only as a reason to ask decodeOptions.
var streamOptions = jsonv2.JoinOptions(decodeOptions, jsonv1.ReportErrorsWithLegacySemantics(false))

// isJSONObject reports whether b starts, after JSON white space, with '{'.
// The rest of the document is checked by the decoder.
func isJSONObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{':
			return true
		default:
			return false
		}
	}
	return false
}

// eventTypeOf returns the event type named by E's zero value, or a
// *ValidationError (field "type") when E cannot name it: E is a pointer or
// an interface (EventType must have a value receiver, so that the zero
// value names the type), or the type is empty or not printable ASCII.
func eventTypeOf[E Event]() (typ string, err error) {
	var zero E
	if k := reflect.TypeFor[E]().Kind(); k == reflect.Pointer || k == reflect.Interface {
		return "", &ValidationError{Field: "type", Value: reflect.TypeFor[E]().String(),
			Reason: "an event type must not be a pointer or an interface: implement EventType on a value receiver"}
	}
	defer func() {
		if recover() != nil {
			err = &ValidationError{Field: "type", Value: reflect.TypeFor[E]().String(), Reason: "EventType panicked on the zero value"}
		}
	}()
	typ = zero.EventType()
	if err := checkASCII("type", typ, typ, false); err != nil {
		return "", err
	}
	return typ, nil
}
