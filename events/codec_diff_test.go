package events_test

import (
	"encoding/json"
	"reflect"
	"testing"

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
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		sameAsEncodingJSON[diffEvent](t, payload)
		sameAsEncodingJSON[quotedEvent](t, payload)
	})
}

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
	codec := events.JSONCodec[E]()
	{
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
}
