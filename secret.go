package hexkit

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
)

// Secret holds a password, key or token that never shows itself: fmt with
// any verb and flag (%v, %+v, %#v, %s, %q, %x, %d, ...), log/slog with any
// handler, encoding/json and every encoder that uses encoding.TextMarshaler
// (YAML included) print "[redacted]" in its place. That holds also where the
// Secret sits in a struct field, exported or not, at any depth: the value is
// kept behind a pointer, which fmt never follows inside a struct. An empty
// Secret prints as "", so that a missing password is visible in logs. Every
// provider configuration holds its passwords, keys and tokens in this type.
//
// Build one with [NewSecret]; decoding (JSON, YAML, environment variables
// through encoding.TextUnmarshaler) reads the plain value. Read it with
// [Secret.Reveal] where it is handed to a client library. The zero Secret is
// empty. Secrets are not comparable with ==; compare what Reveal returns.
type Secret struct {
	_ [0]func() // not comparable: == on pointers would mislead
	v *string
}

// NewSecret returns a Secret holding s.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{v: &s}
}

const redacted = "[redacted]"

// Reveal returns the secret itself ("" for the zero Secret).
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

func (s Secret) shown() string {
	if s.IsZero() {
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
	*s = NewSecret(string(b))
	return nil
}

// Equal reports whether s and o hold the same secret, in constant time. It
// lets github.com/google/go-cmp compare configurations that hold secrets.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}
