package kvtest

import (
	"context"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/kv"
)

func (s *suite) testTTL(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	ttl := s.f.TTL
	_, err := st.Set(ctx, "short", "v", kv.WithTTL(ttl))
	ok(t, err, "Set with TTL")
	_, err = st.Set(ctx, "cleared", "v", kv.WithTTL(ttl))
	ok(t, err, "Set with TTL")
	_, err = st.Set(ctx, "cleared", "w")
	ok(t, err, "Set without TTL")
	_, err = st.Set(ctx, "long", "v", kv.WithTTL(time.Hour))
	ok(t, err, "Set with a long TTL")
	_, err = st.Set(ctx, "forever", "v")
	ok(t, err, "Set")

	e, err := st.GetEntry(ctx, "short")
	ok(t, err, "GetEntry before expiry")
	if e.ExpiresAt.IsZero() {
		t.Fatal("ExpiresAt is zero for an entry with a TTL")
	}
	if d := time.Until(e.ExpiresAt); s.realClock() && (d > ttl+time.Second || d < -time.Second) {
		t.Fatalf("ExpiresAt is %v from now, want about %v", d, ttl)
	}
	if !e.ExpiresAt.Equal(e.ExpiresAt.Truncate(time.Millisecond)) {
		t.Fatalf("ExpiresAt %v is not cut to a millisecond", e.ExpiresAt)
	}
	e, err = st.GetEntry(ctx, "cleared")
	ok(t, err, "GetEntry")
	if !e.ExpiresAt.IsZero() {
		t.Fatalf("Set without TTL kept the old expiry %v", e.ExpiresAt)
	}
	has, err := st.Exists(ctx, "short")
	ok(t, err, "Exists")
	eq(t, has, true, "Exists before expiry")

	s.f.Advance(ttl + ttl/2)

	_, err = st.Get(ctx, "short")
	is(t, err, kv.ErrNotFound, "Get after expiry")
	has, err = st.Exists(ctx, "short")
	ok(t, err, "Exists")
	eq(t, has, false, "Exists after expiry")
	got, err := st.GetMany(ctx, "short", "long", "forever", "cleared")
	ok(t, err, "GetMany")
	eq(t, len(got), 3, "GetMany after expiry: entries")
	if _, found := got["short"]; found {
		t.Fatal("GetMany returned an expired entry")
	}
	for e, err := range st.Scan(ctx, "") {
		ok(t, err, "Scan")
		if e.Key == "short" {
			t.Fatal("Scan yielded an expired entry")
		}
	}
	if !s.f.NoConditionalWrites {
		_, err = st.Set(ctx, "short", "again", kv.IfAbsent())
		ok(t, err, "Set IfAbsent over an expired entry")
		got, err := st.Get(ctx, "short")
		ok(t, err, "Get")
		eq(t, got, "again", "value written over an expired entry")
	}
	ok(t, st.Delete(ctx, "long"), "Delete of an entry with a TTL")
}

// realClock reports whether the suite sleeps rather than moving a fake
// clock (then ExpiresAt can be compared with time.Now).
func (s *suite) realClock() bool { return s.sleeps }

func (s *suite) testIncrementTTL(t *testing.T) {
	ctx := context.Background()
	st := s.ints(t)
	ttl := s.f.TTL
	n, err := st.Increment(ctx, "window", 1, kv.WithTTL(ttl))
	ok(t, err, "Increment creating the key")
	eq(t, n, 1, "first increment")
	e, err := st.GetEntry(ctx, "window")
	ok(t, err, "GetEntry")
	if e.ExpiresAt.IsZero() {
		t.Fatal("Increment with TTL created a key without expiry")
	}
	n, err = st.Increment(ctx, "window", 1, kv.WithTTL(time.Hour))
	ok(t, err, "Increment of an existing key")
	eq(t, n, 2, "second increment")
	e2, err := st.GetEntry(ctx, "window")
	ok(t, err, "GetEntry")
	if d := e2.ExpiresAt.Sub(e.ExpiresAt); d > 10*time.Millisecond || d < -10*time.Millisecond {
		t.Fatalf("Increment of an existing key moved its expiry from %v to %v", e.ExpiresAt, e2.ExpiresAt)
	}
	s.f.Advance(ttl + ttl/2)
	_, err = st.Get(ctx, "window")
	is(t, err, kv.ErrNotFound, "counter after expiry")
	n, err = st.Increment(ctx, "window", 5)
	ok(t, err, "Increment after expiry")
	eq(t, n, 5, "increment after expiry starts from 0")
	e, err = st.GetEntry(ctx, "window")
	ok(t, err, "GetEntry")
	if !e.ExpiresAt.IsZero() {
		t.Fatalf("Increment without TTL created a key expiring at %v", e.ExpiresAt)
	}
}
