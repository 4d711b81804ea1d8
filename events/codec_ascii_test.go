package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestJSONCodecEncodesASCII(t *testing.T) {
	type note struct {
		Text string `json:"text"`
	}
	c := JSONCodec[note]()
	tests := []struct {
		in   string
		want string
	}{
		{"plain", `{"text":"plain"}`},
		{"1 ÷ 0 × 2", `{"text":"1 \u00f7 0 \u00d7 2"}`},
		{"Grüße, 東京", `{"text":"Gr\u00fc\u00dfe, \u6771\u4eac"}`},
		{"emoji 🙂", `{"text":"emoji \ud83d\ude42"}`},
		{"<tag> & \u2028", `{"text":"\u003ctag\u003e \u0026 \u2028"}`},
	}
	for _, tt := range tests {
		got, err := c.Encode(note{tt.in})
		if err != nil {
			t.Fatalf("Encode(%q): %v", tt.in, err)
		}
		if string(got) != tt.want {
			t.Errorf("Encode(%q) = %s, want %s", tt.in, got, tt.want)
		}
		for i, b := range got {
			if b >= 0x80 {
				t.Fatalf("Encode(%q) has non-ASCII byte 0x%02x at %d", tt.in, b, i)
			}
		}
		back, err := c.Decode(got)
		if err != nil || back.Text != tt.in {
			t.Errorf("Decode(Encode(%q)) = %q, %v; want the original", tt.in, back.Text, err)
		}
	}
	// Already-ASCII output is returned as is, without a copy.
	b := []byte(`{"a":1}`)
	if got, ok := escapeNonASCII(b); !ok || !bytes.Equal(got, b) || &got[0] != &b[0] {
		t.Errorf("escapeNonASCII copied or changed an ASCII document")
	}
}

func TestJSONCodecRefusesInvalidUTF8(t *testing.T) {
	type note struct {
		Text string            `json:"text"`
		Tags map[string]string `json:"tags,omitempty"`
		Raw  json.RawMessage   `json:"raw,omitempty"`
	}
	c := JSONCodec[note]()
	refused := map[string]note{
		"field":                      {Text: "user-\xff"},
		"field after a backslash":    {Text: `a\` + "\xfe"},
		"map key":                    {Tags: map[string]string{"k\xfd": "v"}},
		"map value":                  {Tags: map[string]string{"k": "\xc3"}},
		"raw message":                {Raw: json.RawMessage("\"x\xffy\"")},
		"truncated multi-byte rune":  {Text: "\xe6\x9d"},
		"surrogate half as UTF-8":    {Text: "\xed\xa0\x80"},
		"invalid among valid escape": {Text: "\ufffd\xff"},
	}
	for name, n := range refused {
		if got, err := c.Encode(n); !errors.Is(err, ErrInvalidUTF8) {
			t.Errorf("%s: Encode = %q, %v; want ErrInvalidUTF8", name, got, err)
		}
	}
	accepted := map[string]struct {
		in   note
		want string
	}{
		"valid U+FFFD":           {note{Text: "\ufffd"}, `{"text":"\ufffd"}`},
		"backslash then ufffd":   {note{Text: `\ufffd`}, `{"text":"\\ufffd"}`},
		"two backslashes, ufffd": {note{Text: `\\ufffd`}, `{"text":"\\\\ufffd"}`},
	}
	for name, tt := range accepted {
		got, err := c.Encode(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: Encode = %s, %v; want %s", name, got, err, tt.want)
		}
		back, err := c.Decode(got)
		if err != nil || back.Text != tt.in.Text {
			t.Errorf("%s: round trip gave %q, %v", name, back.Text, err)
		}
	}
}
