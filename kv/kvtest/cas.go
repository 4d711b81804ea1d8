package kvtest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/hexkit-go/hexkit/kv"
)

func (s *suite) testCAS(t *testing.T) {
	ctx := context.Background()
	st := s.strs(t)
	if s.f.NoConditionalWrites {
		_, err := st.Set(ctx, "k", "v", kv.IfAbsent())
		is(t, err, kv.ErrUnsupported, "Set IfAbsent without conditional writes")
		_, err = st.Set(ctx, "k", "v", kv.IfVersion("1"))
		is(t, err, kv.ErrUnsupported, "Set IfVersion without conditional writes")
		has, err := st.Exists(ctx, "k")
		ok(t, err, "Exists")
		eq(t, has, false, "a refused conditional write was stored")
		return
	}
	v1, err := st.Set(ctx, "k", "first", kv.IfAbsent())
	ok(t, err, "Set IfAbsent of an absent key")
	_, err = st.Set(ctx, "k", "second", kv.IfAbsent())
	is(t, err, kv.ErrConflict, "Set IfAbsent of a stored key")
	v2, err := st.Set(ctx, "k", "second", kv.IfVersion(v1))
	ok(t, err, "Set IfVersion with the current version")
	if v2 == v1 {
		t.Fatal("version unchanged by a conditional write")
	}
	_, err = st.Set(ctx, "k", "stale", kv.IfVersion(v1))
	is(t, err, kv.ErrConflict, "Set IfVersion with a stale version")
	got, err := st.Get(ctx, "k")
	ok(t, err, "Get")
	eq(t, got, "second", "value after a refused write")
	_, err = st.Set(ctx, "absent", "v", kv.IfVersion(v2))
	is(t, err, kv.ErrConflict, "Set IfVersion of an absent key")
	has, err := st.Exists(ctx, "absent")
	ok(t, err, "Exists")
	eq(t, has, false, "a refused IfVersion created the key")
	_, err = st.Set(ctx, "k", "bogus", kv.IfVersion("no-such-version"))
	is(t, err, kv.ErrConflict, "Set IfVersion with an unknown version")

	v3, err := st.Set(ctx, "k", "plain")
	ok(t, err, "Set")
	_, err = st.Set(ctx, "k", "stale", kv.IfVersion(v2))
	is(t, err, kv.ErrConflict, "IfVersion after an unconditional write")
	ok(t, st.Delete(ctx, "k"), "Delete")
	_, err = st.Set(ctx, "k", "stale", kv.IfVersion(v3))
	is(t, err, kv.ErrConflict, "IfVersion after Delete")
	_, err = st.Set(ctx, "k", "again", kv.IfAbsent())
	ok(t, err, "Set IfAbsent after Delete")
}

// testConcurrentCAS: Workers goroutines each add Rounds to a JSON counter
// through read, compare-and-set, retry; the final count is exact.
func (s *suite) testConcurrentCAS(t *testing.T) {
	ctx := context.Background()
	st := s.docs(t)
	if s.f.NoConditionalWrites {
		_, err := st.Set(ctx, "once", Doc{}, kv.IfAbsent())
		is(t, err, kv.ErrUnsupported, "Set IfAbsent without conditional writes")
		return
	}
	_, err := st.Set(ctx, "counter", Doc{Name: "counter"})
	ok(t, err, "Set")
	s.rounds(t, func() error {
		for {
			e, err := st.GetEntry(ctx, "counter")
			if err != nil {
				return err
			}
			e.Value.Count++
			_, err = st.Set(ctx, "counter", e.Value, kv.IfVersion(e.Version))
			if !errors.Is(err, kv.ErrConflict) {
				return err
			}
		}
	})
	got, err := st.Get(ctx, "counter")
	ok(t, err, "Get")
	eq(t, got.Count, s.f.Workers*s.f.Rounds, "count after concurrent compare-and-set")

	// Many goroutines race to create one key: exactly one wins.
	var wins sync.Map
	var wg sync.WaitGroup
	for i := range s.f.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.Set(ctx, "once", Doc{Count: i}, kv.IfAbsent())
			switch {
			case err == nil:
				wins.Store(i, true)
			case !errors.Is(err, kv.ErrConflict):
				t.Errorf("Set IfAbsent: %v", err)
			}
		}()
	}
	wg.Wait()
	n := 0
	wins.Range(func(any, any) bool { n++; return true })
	eq(t, n, 1, "winners of a create-only-if-absent race")
}

// testVersionAfterDelete: where versions derive from the value (two
// writes of one value give one version), IfVersion with the version of a
// deleted entry succeeds once the same value is written again; elsewhere
// every write gives a new version and it fails with kv.ErrConflict.
func (s *suite) testVersionAfterDelete(t *testing.T) {
	if s.f.NoConditionalWrites {
		t.Skip("no conditional writes")
	}
	ctx := context.Background()
	st := s.strs(t)
	v1, err := st.Set(ctx, "k", "x")
	ok(t, err, "Set")
	v2, err := st.Set(ctx, "k", "x")
	ok(t, err, "Set of the same value")
	derived := v1 == v2
	ok(t, st.Delete(ctx, "k"), "Delete")
	_, err = st.Set(ctx, "k", "x")
	ok(t, err, "Set")
	_, err = st.Set(ctx, "k", "y", kv.IfVersion(v2))
	if derived {
		ok(t, err, "IfVersion with the version of a deleted entry whose value was written again (versions derived from the value)")
	} else {
		is(t, err, kv.ErrConflict, "IfVersion with the version of a deleted entry (a new version per write)")
	}
}
