package events_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

// diffEvent has a field of every kind a payload decodes into, including
// ones where decoders are known to differ (embedded structs, pointers,
// interfaces, raw messages, string-encoded numbers, case-folded names).
type diffEvent struct {
	ID      string            `json:"id"`
	N       int               `json:"n"`
	U       uint8             `json:"u"`
	F       float64           `json:"f"`
	B       bool              `json:"b"`
	P       *int              `json:"p"`
	S       []string          `json:"s"`
	M       map[string]int    `json:"m"`
	Any     any               `json:"any"`
	Raw     json.RawMessage   `json:"raw"`
	Quoted  int64             `json:"quoted,string"`
	Nested  struct{ A int }   `json:"nested"`
	Arr     [2]int            `json:"arr"`
	Ignored string            `json:"-"`
	NoTag   string            // no tag: matched by its Go name
	Headers map[string]string `json:"headers,omitempty"`
	diffBase
}

type diffBase struct {
	Base string `json:"base"`
}

func (diffEvent) EventType() string { return "diff" }

// FuzzCodecDecodesAsEncodingJSON: the JSON codec's decoder is a drop-in for
// encoding/json's Unmarshal: for every payload that is a JSON object, both
// accept or both refuse it, and what they accept decodes to the same event.
func FuzzCodecDecodesAsEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"id":"a","n":1,"u":255,"f":1.5,"b":true,"p":3,"s":["x"],"m":{"k":1},"any":{"z":[1,"2",null]},"raw":{"r":1},"quoted":{"n":"+0"},"nested":{"A":7},"arr":[1,2],"NoTag":"t","base":"b"}`,
		`{"ID":"case","N":2,"NOTAG":"x","Base":"c"}`,
		`{"u":256}`, `{"n":1.5}`, `{"n":"1"}`, `{"quoted":42}`, `{"quoted":"x"}`, `{"arr":[1,2,3]}`,
		`{"id":"\ud800"}`, "{\"id\":\"\xff\"}", `{"id":"a","id":"b"}`, `{"p":null,"s":null,"m":null}`,
		`{"n":1e400}`, `{"f":-0}`, `{"s":["a",1]}`, `{"m":{"k":"v"}}`, `{"nested":[]}`, `{"raw":}`, `{"id":"a"} x`,
		`{"-":"x","Ignored":"y"}`, ` {"b":false} `, `{"any":1e309}`, `{"headers":{"a":"b"},"unknown":{"deep":[[]]}}`,
		`{"aB":"1","Ab":"2"}`, `{"ab":"x"}`, `{"AB":"x","ab":"y"}`, `{"dup":"x"}`, `{"Dup":1}`, `{"when":"2026-01-02T03:04:05Z"}`,
		`{"when":"yesterday"}`, `{"odd":"odd"}`, `{"odd":"x"}`, `{"odd":1}`, `{"embedded":"e","Ptr":"p"}`, `{"n":1,"id":"a"`,
		`{"id":"a","n":"x","s":[1}`, `{"id":"a","unknown":[1,}`, `{"s":["a"]]}`, `{"num":1.50}`, `{"num":"1"}`, `{"nums":[1,2e3,-0]}`, `{"num":"x"}`,
		`{"id":"\u00e9\ud83d\ude00"}`, `{"tags":{"a":[1,{"b":null}]}}`, `{"n":-0.0e1}`, `{"id":1,"n":"x","u":-1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		sameAsEncodingJSON[diffEvent](t, payload)
		sameAsEncodingJSON[quotedEvent](t, payload)
		sameAsEncodingJSON[streamEvent](t, payload)
		sameAsEncodingJSON[collideEvent](t, payload)
		sameAsEncodingJSON[numberEvent](t, payload)
		compareDecode(t, streamCodec, payload)
		compareDecode(t, collideCodec, payload)
	})
}

// streamEvent has no ",string" option, so the codec decodes it in one
// streaming pass and asks encoding/json's semantics only about what that
// pass refuses; its fields include what those semantics settle
// differently: names that match several fields case-insensitively, a
// method that decodes itself, a time, a json.Number and embedded structs.
type streamEvent struct {
	ID    string            `json:"id"`
	N     int               `json:"n"`
	U     uint8             `json:"u"`
	F     float64           `json:"f"`
	S     []string          `json:"s"`
	Tags  map[string]any    `json:"tags"`
	Raw   json.RawMessage   `json:"raw"`
	When  time.Time         `json:"when"`
	Odd   oddString         `json:"odd"`
	AB1   string            `json:"aB"`
	AB2   string            `json:"Ab"`
	Extra map[string]string `json:"extra,omitempty"`
	*streamPtr
	streamBase
}

type streamBase struct {
	Embedded string `json:"embedded"`
}

type streamPtr struct {
	Ptr string
}

func (streamEvent) EventType() string { return "stream" }

// oddString decodes itself and refuses a string that is not "odd".
type oddString string

func (o *oddString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s != "odd" {
		return errors.New("not odd")
	}
	*o = oddString(strings.ToUpper(s))
	return nil
}

// numberEvent has a json.Number, which only encoding/json decodes from a
// JSON number.
type numberEvent struct {
	Num  json.Number   `json:"num"`
	Nums []json.Number `json:"nums"`
}

func (numberEvent) EventType() string { return "number" }

// collideEvent has two embedded fields of the same name at the same depth,
// which encoding/json ignores both of and a stricter decoder refuses: the
// codec must decode it as encoding/json does.
type collideEvent struct {
	ID string `json:"id"`
	collideA
	collideB
}

type collideA struct {
	Dup string
}

type collideB struct {
	Dup int
}

func (collideEvent) EventType() string { return "collide" }

// Codecs shared across the fuzz inputs, so that what one payload teaches a
// codec about its type is tested on the next ones.
var (
	streamCodec  = events.JSONCodec[streamEvent]()
	collideCodec = events.JSONCodec[collideEvent]()
)

// quotedEvent has a ",string" number, which the codec decodes with
// encoding/json itself.
type quotedEvent struct {
	ID     string `json:"id"`
	Quoted struct {
		N int64 `json:"n,string"`
	} `json:"quoted"`
}

func (quotedEvent) EventType() string { return "quoted" }

func sameAsEncodingJSON[E any](t *testing.T, payload []byte) {
	t.Helper()
	compareDecode(t, events.JSONCodec[E](), payload)
}

// compareDecode checks that codec decodes payload as encoding/json does:
// both accept it or both refuse it, and what they accept decodes to the
// same value.
func compareDecode[E any](t *testing.T, codec events.Codec[E], payload []byte) {
	t.Helper()
	var want E
	stdErr := json.Unmarshal(payload, &want)
	got, err := codec.Decode(payload)
	isObject := false
	for _, c := range payload {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		isObject = c == '{'
		break
	}
	if !isObject {
		if err == nil {
			t.Fatalf("the codec accepted %q, which is not a JSON object", payload)
		}
		return
	}
	if (err == nil) != (stdErr == nil) {
		t.Fatalf("payload %q: codec error %v, encoding/json error %v", payload, err, stdErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("payload %q: codec decoded %+v, encoding/json %+v", payload, got, want)
	}
}
