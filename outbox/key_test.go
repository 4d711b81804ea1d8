package outbox

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func TestParseKey(t *testing.T) {
	if id, err := parseKey[int8]("-128"); err != nil || id != -128 {
		t.Errorf("parseKey[int8](-128) = %d, %v", id, err)
	}
	if _, err := parseKey[int8]("128"); err == nil {
		t.Error("parseKey[int8](128) succeeded, want a range error")
	}
	if id, err := parseKey[uint32]("4294967295"); err != nil || id != 4294967295 {
		t.Errorf("parseKey[uint32](max) = %d, %v", id, err)
	}
	if _, err := parseKey[uint16]("-1"); err == nil {
		t.Error("parseKey[uint16](-1) succeeded")
	}
	if id, err := parseKey[int]("42"); err != nil || id != 42 {
		t.Errorf("parseKey[int](42) = %d, %v", id, err)
	}
	u := uuid.New()
	if id, err := parseKey[uuid.UUID](u.String()); err != nil || id != u {
		t.Errorf("parseKey[uuid.UUID] = %v, %v", id, err)
	}
	if id, err := parseKey[string]("k"); err != nil || id != "k" {
		t.Errorf("parseKey[string] = %q, %v", id, err)
	}
	if _, err := parseKey[float64]("1"); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("parseKey[float64] = %v, want ErrInvalidOption", err)
	}
}

func TestParseKeyCanonical(t *testing.T) {
	for _, key := range []string{"+5", "007", "-0", " 5", "5 "} {
		if id, err := parseKey[int64](key); err == nil {
			t.Errorf("parseKey[int64](%q) = %d, want an error: not as strconv.FormatInt writes it", key, id)
		}
		if id, err := parseKey[uint8](key); err == nil {
			t.Errorf("parseKey[uint8](%q) = %d, want an error", key, id)
		}
	}
	u := "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	for _, key := range []string{strings.ToUpper(u), "{" + u + "}", "urn:uuid:" + u, strings.ReplaceAll(u, "-", "")} {
		if id, err := parseKey[uuid.UUID](key); err == nil {
			t.Errorf("parseKey[uuid.UUID](%q) = %v, want an error: not in canonical form", key, id)
		}
	}
}
