package events

import (
	"encoding/json"
	"errors"
	"reflect"
	"unicode/utf16"
	"unicode/utf8"
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

// JSONCodec returns the default codec: encoding/json with the event's json
// struct tags. Both directions insist on a JSON object, as the wire format
// requires: an event that encodes to anything else (an array, a string,
// null) is rejected before sending, and a payload that is not an object is
// rejected on delivery.
//
// Encoded payloads are pure ASCII: characters beyond ASCII inside strings
// are written as \uXXXX escapes (surrogate pairs above U+FFFF). Python
// hexkit decodes payloads as ASCII, so this keeps every event readable by
// Python services; decoding accepts UTF-8 as well as escapes.
func JSONCodec[E any]() Codec[E] { return jsonCodec[E]{} }

type jsonCodec[E any] struct{}

// errNotObject is the codec's complaint about a payload that is valid
// bytes but not a JSON object.
var errNotObject = errors.New("payload is not a JSON object")

func (jsonCodec[E]) Encode(e E) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	if !isJSONObject(b) {
		return nil, errNotObject
	}
	return escapeNonASCII(b), nil
}

// escapeNonASCII rewrites the non-ASCII characters of the JSON document b,
// which can only occur inside strings, as \uXXXX escapes. encoding/json
// emits valid UTF-8, so every multi-byte sequence decodes to one rune. It
// returns b itself when b is already ASCII.
func escapeNonASCII(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	if i == len(b) {
		return b
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
	return out
}

func (jsonCodec[E]) Decode(payload []byte) (E, error) {
	var e E
	if !isJSONObject(payload) {
		return e, errNotObject
	}
	if err := json.Unmarshal(payload, &e); err != nil {
		return e, err
	}
	return e, nil
}

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
