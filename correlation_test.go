package hexkit_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit"
)

func TestCorrelationIDRoundTrip(t *testing.T) {
	ctx := context.Background()
	if got, ok := hexkit.CorrelationID(ctx); ok || got != "" {
		t.Fatalf("CorrelationID(empty ctx) = %q, %v; want \"\", false", got, ok)
	}
	id := hexkit.NewCorrelationID()
	ctx = hexkit.WithCorrelationID(ctx, id)
	got, ok := hexkit.CorrelationID(ctx)
	if !ok || got != id {
		t.Fatalf("CorrelationID = %q, %v; want %q, true", got, ok, id)
	}
	if _, ok := hexkit.CorrelationID(hexkit.WithCorrelationID(context.Background(), "")); ok {
		t.Fatal("an empty correlation id must count as absent")
	}
}

// TestCorrelationContextIsAContext checks that the context carrying the id
// shadows an outer id, passes other values, cancellation and deadlines of
// its parent through, and keeps the id when the parent's cancellation is
// detached.
func TestCorrelationContextIsAContext(t *testing.T) {
	type otherKey struct{}
	outer, inner := hexkit.NewCorrelationID(), hexkit.NewCorrelationID()
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "v"))
	ctx := hexkit.WithCorrelationID(hexkit.WithCorrelationID(parent, outer), inner)
	if got, _ := hexkit.CorrelationID(ctx); got != inner {
		t.Fatalf("CorrelationID = %q; want the inner id %q", got, inner)
	}
	if got := ctx.Value(otherKey{}); got != "v" {
		t.Fatalf("Value(otherKey) = %v; want the parent's value", got)
	}
	child, stop := context.WithCancel(ctx)
	defer stop()
	cancel()
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) || !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Err = %v, %v; want context.Canceled from the parent", child.Err(), ctx.Err())
	}
	if got, _ := hexkit.CorrelationID(context.WithoutCancel(child)); got != inner {
		t.Fatalf("CorrelationID(WithoutCancel) = %q; want %q", got, inner)
	}
}

func TestEnsureCorrelationID(t *testing.T) {
	ctx, id := hexkit.EnsureCorrelationID(context.Background())
	if err := hexkit.ValidateCorrelationID(id); err != nil {
		t.Fatalf("generated id %q is invalid: %v", id, err)
	}
	if got, _ := hexkit.CorrelationID(ctx); got != id {
		t.Fatalf("ctx carries %q, want %q", got, id)
	}
	ctx2, id2 := hexkit.EnsureCorrelationID(ctx)
	if id2 != id || ctx2 != ctx {
		t.Fatalf("EnsureCorrelationID replaced an existing id: %q -> %q", id, id2)
	}
}

func TestNewCorrelationIDIsUniqueAndValid(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id := hexkit.NewCorrelationID()
		if err := hexkit.ValidateCorrelationID(id); err != nil {
			t.Fatalf("NewCorrelationID() = %q: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("NewCorrelationID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestValidateCorrelationID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"8c3f0a1e-5b7d-4c2a-9e6f-0d1b2c3a4f5e", true},
		{"8C3F0A1E-5B7D-4C2A-9E6F-0D1B2C3A4F5E", true},
		{"", false},
		{"not-a-uuid", false},
		{"8c3f0a1e5b7d4c2a9e6f0d1b2c3a4f5e", false},              // no dashes
		{"{8c3f0a1e-5b7d-4c2a-9e6f-0d1b2c3a4f5e}", false},        // braces
		{"urn:uuid:8c3f0a1e-5b7d-4c2a-9e6f-0d1b2c3a4f5e", false}, // urn
		{"8c3f0a1e-5b7d-1c2a-9e6f-0d1b2c3a4f5e", false},          // version 1
		{"8c3f0a1e-5b7d-4c2a-0e6f-0d1b2c3a4f5e", false},          // NCS variant
		{"8c3f0a1e-5b7d-4c2a-9e6f-0d1b2c3a4f5g", false},          // bad hex
		{strings.Repeat("a", 36), false},
	}
	for _, tt := range tests {
		err := hexkit.ValidateCorrelationID(tt.id)
		if got := err == nil; got != tt.want {
			t.Errorf("ValidateCorrelationID(%q) = %v, want valid=%v", tt.id, err, tt.want)
		}
		if err != nil && !errors.Is(err, hexkit.ErrInvalidCorrelationID) {
			t.Errorf("ValidateCorrelationID(%q) error %v does not wrap ErrInvalidCorrelationID", tt.id, err)
		}
	}
}
