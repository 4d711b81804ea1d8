package daotest

import (
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
)

func (s *suite) testVersioning(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithVersionField(pVersion))
	p := Person{ID: "a", Name: "v0"}
	noErr(t, "Insert", d.Insert(ctx, p))
	got, _ := d.Get(ctx, "a")
	equal(t, "Insert stores the version as given", got.Version, 0)

	p.Name = "v1"
	v, err := d.Update(ctx, p)
	noErr(t, "Update with the stored version", err)
	equal(t, "Update returns the new version", v, int64(1))
	got, _ = d.Get(ctx, "a")
	equal(t, "Update stores version+1", got.Version, 1)
	p.Name = "stale"
	isErr(t, "Update with a stale version", errOf(d.Update(ctx, p)), dao.ErrConflict)
	isErr(t, "Upsert with a stale version", errOf(d.Upsert(ctx, p)), dao.ErrConflict)
	got, _ = d.Get(ctx, "a")
	equal(t, "a conflict writes nothing", got.Name, "v1")

	p.Version = int(v)
	p.Name = "v2"
	v, err = d.Upsert(ctx, p)
	noErr(t, "Upsert with the stored version", err)
	equal(t, "Upsert returns the new version", v, int64(2))
	got, _ = d.Get(ctx, "a")
	equal(t, "Upsert stores version+1", got, Person{ID: "a", Name: "v2", Version: 2})

	isErr(t, "Update of a missing id is ErrNotFound, not ErrConflict", errOf(d.Update(ctx, Person{ID: "b", Version: 3})), dao.ErrNotFound)
	v, err = d.Upsert(ctx, Person{ID: "b", Version: 3})
	noErr(t, "Upsert of a missing id", err)
	equal(t, "Upsert of a missing id returns version+1", v, int64(4))
	got, _ = d.Get(ctx, "b")
	equal(t, "Upsert of a missing document stores version+1", got.Version, 4)

	unversioned := s.people(t)
	noErr(t, "Insert", unversioned.Insert(ctx, Person{ID: "a", Version: 5}))
	v, err = unversioned.Update(ctx, Person{ID: "a", Version: 1})
	noErr(t, "without WithVersionField the version is an ordinary field", err)
	equal(t, "without WithVersionField Update returns version 0", v, int64(0))
	got, _ = unversioned.Get(ctx, "a")
	equal(t, "without WithVersionField Update stores the version as given", got.Version, 1)
}

// testVersionLimits checks that a version at the largest value of its
// type is refused with ErrInvalidDocument by Update and Upsert, which
// cannot store version+1, instead of storing a wrapped version that
// differs from the one they return.
func (s *suite) testVersionLimits(t *testing.T) {
	ctx := t.Context()
	revs, err := s.h.Counters(t, dao.WithVersionField(cRev))
	noErr(t, "creating a DAO[Counter, int64] versioned by an int32", err)
	noErr(t, "Insert", revs.Insert(ctx, Counter{ID: 1, Rev: math.MaxInt32}))
	isErr(t, "Update of an int32 version at math.MaxInt32", errOf(revs.Update(ctx, Counter{ID: 1, Rev: math.MaxInt32})), dao.ErrInvalidDocument)
	isErr(t, "Upsert of an int32 version at math.MaxInt32", errOf(revs.Upsert(ctx, Counter{ID: 1, Rev: math.MaxInt32})), dao.ErrInvalidDocument)
	isErr(t, "Upsert of a missing id at math.MaxInt32", errOf(revs.Upsert(ctx, Counter{ID: 2, Rev: math.MaxInt32})), dao.ErrInvalidDocument)
	got, err := revs.Get(ctx, 1)
	noErr(t, "Get", err)
	equal(t, "a refused version bump writes nothing", got, Counter{ID: 1, Rev: math.MaxInt32})
	n, err := revs.Count(ctx, dao.All[Counter]())
	noErr(t, "Count", err)
	equal(t, "a refused Upsert inserts nothing", n, int64(1))
	noErr(t, "Insert", revs.Insert(ctx, Counter{ID: 3, Rev: math.MaxInt32 - 1}))
	v, err := revs.Update(ctx, Counter{ID: 3, Rev: math.MaxInt32 - 1})
	noErr(t, "Update to math.MaxInt32", err)
	equal(t, "Update to math.MaxInt32 returns it", v, int64(math.MaxInt32))
	got, _ = revs.Get(ctx, 3)
	equal(t, "Update to math.MaxInt32 stores it", got.Rev, int32(math.MaxInt32))

	gens, err := s.h.Counters(t, dao.WithVersionField(cGen))
	noErr(t, "creating a DAO[Counter, int64] versioned by a uint32", err)
	noErr(t, "Insert", gens.Insert(ctx, Counter{ID: 1, Gen: math.MaxUint32 - 1}))
	v, err = gens.Update(ctx, Counter{ID: 1, Gen: math.MaxUint32 - 1})
	noErr(t, "Update to math.MaxUint32", err)
	equal(t, "Update to math.MaxUint32 returns it", v, int64(math.MaxUint32))
	isErr(t, "Update of a uint32 version at math.MaxUint32", errOf(gens.Update(ctx, Counter{ID: 1, Gen: math.MaxUint32})), dao.ErrInvalidDocument)
	got, _ = gens.Get(ctx, 1)
	equal(t, "a uint32 version at its largest value stays stored", got.Gen, uint32(math.MaxUint32))

	people := s.people(t, dao.WithVersionField(pVersion))
	noErr(t, "Insert", people.Insert(ctx, Person{ID: "a", Version: math.MaxInt}))
	isErr(t, "Update of an int version at math.MaxInt", errOf(people.Update(ctx, Person{ID: "a", Version: math.MaxInt})), dao.ErrInvalidDocument)
	isErr(t, "Upsert of an int version at math.MaxInt", errOf(people.Upsert(ctx, Person{ID: "a", Version: math.MaxInt})), dao.ErrInvalidDocument)

	// Versions are 0 or more.
	isErr(t, "Insert of a negative version", revs.Insert(ctx, Counter{ID: 4, Rev: -1}), dao.ErrInvalidDocument)
	isErr(t, "Update of a negative version", errOf(revs.Update(ctx, Counter{ID: 1, Rev: -1})), dao.ErrInvalidDocument)
	isErr(t, "Upsert of a negative version", errOf(revs.Upsert(ctx, Counter{ID: 5, Rev: -1})), dao.ErrInvalidDocument)
	n, err = revs.Count(ctx, dao.All[Counter]())
	noErr(t, "Count", err)
	equal(t, "refused negative versions store nothing", n, int64(2))
}

func (s *suite) testConcurrentVersioned(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithVersionField(pVersion))
	noErr(t, "Insert", d.Insert(ctx, Person{ID: "a"}))
	const rounds = 5
	var wins, conflicts atomic.Int64
	for round := range rounds {
		var wg sync.WaitGroup
		for w := range s.f.Workers {
			wg.Go(func() {
				v, err := d.Update(ctx, Person{ID: "a", Version: round, Age: w})
				switch {
				case err == nil:
					wins.Add(1)
					if v != int64(round+1) {
						t.Errorf("the winning Update of version %d returned version %d, want %d", round, v, round+1)
					}
				case errors.Is(err, dao.ErrConflict):
					conflicts.Add(1)
				default:
					t.Errorf("concurrent Update: %v", err)
				}
			})
		}
		wg.Wait()
	}
	equal(t, "exactly one Update per version wins", wins.Load(), int64(rounds))
	equal(t, "the others fail with ErrConflict", conflicts.Load(), int64(rounds*(s.f.Workers-1)))
	got, _ := d.Get(ctx, "a")
	equal(t, "the version counts the successful updates", got.Version, rounds)
}

func (s *suite) testIntIDs(t *testing.T) {
	ctx := t.Context()
	d, err := s.h.Counters(t)
	noErr(t, "creating a DAO[Counter, int64]", err)
	for _, id := range []int64{10, 2, -5, 1 << 40, 0} {
		noErr(t, "Insert", d.Insert(ctx, Counter{ID: id, N: int(id % 7)}))
	}
	got, err := d.Get(ctx, 1<<40)
	noErr(t, "Get by an int64 id", err)
	equal(t, "Get by an int64 id", got, Counter{ID: 1 << 40, N: int((1 << 40) % 7)})
	isErr(t, "Insert of a taken int id", d.Insert(ctx, Counter{ID: 2}), dao.ErrAlreadyExists)
	var order []int64
	for c, err := range d.Find(ctx, cID.Gt(-1)) {
		noErr(t, "Find", err)
		order = append(order, c.ID)
	}
	equal(t, "integer ids sort numerically", order, []int64{0, 2, 10, 1 << 40})
	got, _ = d.Get(ctx, 2)
	equal(t, "failed writes change nothing", got, Counter{ID: 2, N: 2})
	isErr(t, "an unsigned value above the int64 range cannot be stored", d.Insert(ctx, Counter{ID: 99, Big: math.MaxUint64}), dao.ErrInvalidDocument)
	isErr(t, "Update with an unstorable value", errOf(d.Update(ctx, Counter{ID: 2, Big: math.MaxUint64})), dao.ErrInvalidDocument)
	noErr(t, "an unsigned value inside the int64 range is stored", d.Insert(ctx, Counter{ID: 98, Big: math.MaxInt64}))
	big, err := d.Get(ctx, 98)
	noErr(t, "Get", err)
	equal(t, "a large unsigned value round-trips", big.Big, uint64(math.MaxInt64))
	noErr(t, "Delete by an int id", d.Delete(ctx, 10))
	isErr(t, "Get after Delete", func() error { _, err := d.Get(ctx, 10); return err }(), dao.ErrNotFound)
}

func (s *suite) testUUIDIDs(t *testing.T) {
	ctx := t.Context()
	d, err := s.h.Tickets(t)
	noErr(t, "creating a DAO[Ticket, uuid.UUID]", err)
	owner := uuid.MustParse("00000000-0000-4000-8000-00000000000a")
	ref := uuid.MustParse("ffffffff-0000-4000-8000-000000000000")
	var all []uuid.UUID
	for i, s := range []string{"c0000000-0000-4000-8000-000000000000", "0a000000-0000-4000-8000-000000000000", "9f000000-0000-4000-8000-000000000000"} {
		id := uuid.MustParse(s)
		all = append(all, id)
		tk := Ticket{ID: id, Title: s, Owner: owner}
		if i == 0 {
			tk.Ref = &ref
		}
		noErr(t, "Insert", d.Insert(ctx, tk))
	}
	got, err := d.Get(ctx, all[0])
	noErr(t, "Get by a uuid id", err)
	equal(t, "a uuid document round-trips", got, Ticket{ID: all[0], Title: all[0].String(), Owner: owner, Ref: &ref})
	var order []uuid.UUID
	for tk, err := range d.Find(ctx, tOwner.Eq(owner)) {
		noErr(t, "Find by a uuid field", err)
		order = append(order, tk.ID)
	}
	equal(t, "uuid ids sort by their string form", order, []uuid.UUID{all[1], all[2], all[0]})
	n, err := d.Count(ctx, tRef.Eq(ref))
	noErr(t, "Count", err)
	equal(t, "a uuid field matches", n, int64(1))
	isErr(t, "Insert of a taken uuid", d.Insert(ctx, Ticket{ID: all[1]}), dao.ErrAlreadyExists)
	noErr(t, "Delete by a uuid id", d.Delete(ctx, all[1]))
}

func (s *suite) testInvalidOptions(t *testing.T) {
	bad := [][]dao.Option[Person]{
		{dao.WithUnique[Person](dao.Field[Person, string]{})},
		{dao.WithUnique(pTags)},
		{dao.WithUnique(pAddress)},
		{dao.WithUnique[Person]()},
		{dao.WithUnique[Person](nil)},
		{dao.WithUnique(pEmail, pEmail)},
		{dao.WithUnique(pID)},
		{dao.WithIDField(pEmail), dao.WithUnique(pEmail)},
		{dao.WithIDField(pAge)},
		{dao.WithIDField(pStreet)},
		{dao.WithIDField(dao.Field[Person, string]{})},
		{dao.WithVersionField(dao.Field[Person, int]{})},
	}
	for i, opts := range bad {
		_, err := s.h.People(t, opts...)
		if !errors.Is(err, dao.ErrInvalidOption) {
			t.Errorf("invalid option set #%d: constructor returned %v, want ErrInvalidOption", i, err)
		}
	}
	if _, err := s.h.Counters(t, dao.WithVersionField(cHits)); !errors.Is(err, dao.ErrInvalidOption) {
		t.Errorf("an omitempty version field (version 0 would not be stored): constructor returned %v, want ErrInvalidOption", err)
	}
}
