package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hexkit-go/hexkit"
)

// ptrMarshaler implements json.Marshaler on its pointer only: encoding/json
// calls it on addressable values and ignores it on the others.
type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"by pointer"`), nil }

// ptrText implements encoding.TextMarshaler on its pointer only.
type ptrText struct{ S string }

func (p *ptrText) MarshalText() ([]byte, error) { return []byte("text by pointer"), nil }

type plainEvent struct {
	ID    string             `json:"id"`
	When  time.Time          `json:"when"`
	Tags  []string           `json:"tags"`
	Inner struct{ A [2]int } `json:"inner"`
	Ptr   *ptrMarshaler      `json:"ptr"` // through a pointer: addressable either way
	Elems []ptrMarshaler     `json:"elems"`
}

type fieldMarshalerEvent struct {
	ID string       `json:"id"`
	M  ptrMarshaler `json:"m"`
}

type arrayTextEvent struct {
	T [1]ptrText `json:"t"`
}

type topMarshalerEvent struct{ N int }

func (t *topMarshalerEvent) MarshalJSON() ([]byte, error) { return []byte(`{"top":"by pointer"}`), nil }

// encodesAsMarshal checks that the codec writes what json.Marshal writes
// for the event passed by value.
func encodesAsMarshal[E any](t *testing.T, e E, wantByValue bool) {
	t.Helper()
	c := JSONCodec[E]().(*jsonCodec[E])
	if c.byValue != wantByValue {
		t.Errorf("%T: byValue = %v, want %v", e, c.byValue, wantByValue)
	}
	want, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // the pooled value must not keep anything between calls
		got, err := c.Encode(e)
		if err != nil {
			t.Fatalf("Encode(%+v): %v", e, err)
		}
		if string(got) != string(want) {
			t.Errorf("Encode(%+v) = %s, json.Marshal = %s", e, got, want)
		}
	}
}

func TestJSONCodecEncodesAsMarshal(t *testing.T) {
	plain := plainEvent{ID: "a", When: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Tags: []string{"x"},
		Ptr: &ptrMarshaler{1}, Elems: []ptrMarshaler{{2}}}
	plain.Inner.A = [2]int{1, 2}
	encodesAsMarshal(t, plain, false)
	encodesAsMarshal(t, plainEvent{}, false)
	encodesAsMarshal(t, fieldMarshalerEvent{ID: "b", M: ptrMarshaler{3}}, true)
	encodesAsMarshal(t, arrayTextEvent{T: [1]ptrText{{"s"}}}, true)
	encodesAsMarshal(t, topMarshalerEvent{N: 4}, true)
	encodesAsMarshal(t, map[string]ptrMarshaler{"k": {5}}, false)
}

func TestJSONCodecDecodeStartsFromZero(t *testing.T) {
	c := JSONCodec[plainEvent]()
	if _, err := c.Decode([]byte(`{"id":"first","tags":["a","b"]}`)); err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode([]byte(`{"inner":{"A":[7,8]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "" || got.Tags != nil || got.Inner.A != [2]int{7, 8} {
		t.Errorf("second Decode = %+v; want only the second payload's fields", got)
	}
}

func TestPublisherEventIDs(t *testing.T) {
	const goroutines, each = 4, 3 * idsPerBatch
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				id := newEventIDFast()
				if err := hexkit.ValidateCorrelationID(id); err != nil {
					t.Errorf("id %q: %v", id, err)
				}
				mu.Lock()
				if seen[id] {
					t.Errorf("id %q handed out twice", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != goroutines*each {
		t.Errorf("%d distinct ids, want %d", len(seen), goroutines*each)
	}
	// Every hex digit appears: the ids are not a constant pattern.
	all := strings.Join(func() []string {
		var out []string
		for id := range seen {
			out = append(out, id)
		}
		return out
	}(), "")
	for _, d := range "0123456789abcdef" {
		if !strings.ContainsRune(all, d) {
			t.Errorf("no %q in %d ids", d, len(seen))
		}
	}
}

func TestJSONCodecEscapesNonASCIIAnywhere(t *testing.T) {
	type note struct {
		Text string `json:"text"`
	}
	c := JSONCodec[note]()
	for n := range 20 {
		for at := 0; at <= n; at++ {
			in := strings.Repeat("x", at) + "é" + strings.Repeat("y", n-at)
			got, err := c.Encode(note{in})
			if err != nil {
				t.Fatal(err)
			}
			want := `{"text":"` + strings.Repeat("x", at) + `\u00e9` + strings.Repeat("y", n-at) + `"}`
			if string(got) != want {
				t.Errorf("Encode(%q) = %s, want %s", in, got, want)
			}
		}
	}
}

type fuzzEncodeEvent struct {
	S string             `json:"s"`
	M map[string]string  `json:"m"`
	L []string           `json:"l"`
	N struct{ T string } `json:"n"`
}

// FuzzCodecEncodesAsEncodingJSON: the JSON codec writes what json.Marshal
// writes for the event value, with each character beyond ASCII escaped,
// and refuses exactly the events whose strings are not valid UTF-8.
func FuzzCodecEncodesAsEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "é", "🙂", "\u2028", "\xff", `\ufffd`, strings.Repeat("x", 40) + "ü"} {
		f.Add(s, s+s)
	}
	c := JSONCodec[fuzzEncodeEvent]()
	f.Fuzz(func(t *testing.T, a, b string) {
		e := fuzzEncodeEvent{S: a, M: map[string]string{b: a}, L: []string{b}}
		e.N.T = a + b
		got, err := c.Encode(e)
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			if !errors.Is(err, ErrInvalidUTF8) {
				t.Fatalf("Encode(%q, %q) = %s, %v; want ErrInvalidUTF8", a, b, got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Encode(%q, %q): %v", a, b, err)
		}
		std, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, r := range string(std) {
			switch {
			case r < utf8.RuneSelf:
				want.WriteRune(r)
			case r > 0xFFFF:
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&want, `\u%04x\u%04x`, r1, r2)
			default:
				fmt.Fprintf(&want, `\u%04x`, r)
			}
		}
		if string(got) != want.String() {
			t.Fatalf("Encode(%q, %q) = %s, want %s", a, b, got, want.String())
		}
	})
}
