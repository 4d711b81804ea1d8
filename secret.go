package hexkit

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// Secret is a string that never shows itself: fmt with any verb (%v, %+v,
// %#v, %s, %q, %x, ...), log/slog, encoding/json and every encoder that uses
// encoding.TextMarshaler (YAML included) print "[redacted]" in its place, also
// when the Secret is a field of a printed struct. An empty Secret prints as
// "" so that a missing password is visible in logs. Every provider
// configuration holds its passwords, keys and tokens in this type.
//
// Decoding (JSON, YAML, environment variables) reads the plain value. Read it
// with [Secret.Reveal] at the point where it is handed to a client library.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String returns "[redacted]" ("" for an empty Secret).
func (s Secret) String() string { return s.shown() }

// GoString returns the quoted "[redacted]", for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.shown()) }

// Format prints "[redacted]" ("" for an empty Secret) whatever the verb
// and flags; %q quotes it and %#v prints it as a quoted string.
func (s Secret) Format(f fmt.State, verb rune) {
	out := s.shown()
	if verb == 'q' || (verb == 'v' && f.Flag('#')) {
		out = fmt.Sprintf("%q", out)
	}
	_, _ = f.Write([]byte(out))
}

// LogValue returns "[redacted]" ("" for an empty Secret) for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }

// MarshalJSON encodes "[redacted]" ("" for an empty Secret).
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }

// MarshalText encodes "[redacted]" ("" for an empty Secret), for encoders
// that use encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// UnmarshalText reads the plain value, so configuration decoders fill a
// Secret like a string.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}
