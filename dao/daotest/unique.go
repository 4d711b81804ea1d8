package daotest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
)

func violation(t *testing.T, rule string, err error, fields ...string) {
	t.Helper()
	isErr(t, rule, err, dao.ErrUniqueViolation)
	var uv *dao.UniqueViolationError
	if !errors.As(err, &uv) {
		t.Errorf("%s: error %v is not a *dao.UniqueViolationError", rule, err)
		return
	}
	equal(t, rule+": the error names the index's fields", uv.Fields, fields)
}

func (s *suite) testUniqueSingle(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithUnique(pEmail), dao.WithUnique(pStreet))
	a := Person{ID: "a", Email: "a@x", Address: Address{Street: "Rome"}}
	noErr(t, "Insert", d.Insert(ctx, a))
	b := Person{ID: "b", Email: "a@x", Address: Address{Street: "Oslo"}}
	violation(t, "Insert with a taken email", d.Insert(ctx, b), "email")
	b.Email = "b@x"
	b.Address.Street = "Rome"
	violation(t, "Insert with a taken nested field", d.Insert(ctx, b), "address.street")
	b.Address.Street = "Oslo"
	noErr(t, "Insert with free values", d.Insert(ctx, b))

	a2 := a
	a2.Email = "b@x"
	violation(t, "Update to a taken email", errOf(d.Update(ctx, a2)), "email")
	violation(t, "Upsert (replacing) to a taken email", errOf(d.Upsert(ctx, a2)), "email")
	c := Person{ID: "c", Email: "b@x", Address: Address{Street: "Kyiv"}}
	violation(t, "Upsert (inserting) with a taken email", errOf(d.Upsert(ctx, c)), "email")
	dupBoth := Person{ID: "a", Email: "b@x", Address: Address{Street: "Oslo"}}
	isErr(t, "Insert with a taken id and a taken email reports the id", d.Insert(ctx, dupBoth), dao.ErrAlreadyExists)

	noErr(t, "Update keeping its own unique values", errOf(d.Update(ctx, a)))
	got, _ := d.Get(ctx, "a")
	equal(t, "failed writes change nothing", got, a)
	n, _ := d.Count(ctx, dao.All[Person]())
	equal(t, "failed writes insert nothing", n, int64(2))
	noErr(t, "Delete", d.Delete(ctx, "a"))
	noErr(t, "a deleted document frees its unique values", d.Insert(ctx, Person{ID: "z", Email: "a@x", Address: Address{Street: "Rome"}}))
}

func (s *suite) testUniqueCompound(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithUnique(pTenant, pName))
	noErr(t, "Insert", d.Insert(ctx, Person{ID: "1", Tenant: "t1", Name: "ann", Email: "same"}))
	noErr(t, "same name in another tenant", d.Insert(ctx, Person{ID: "2", Tenant: "t2", Name: "ann", Email: "same"}))
	noErr(t, "another name in the same tenant", d.Insert(ctx, Person{ID: "3", Tenant: "t1", Name: "bob"}))
	violation(t, "same tenant and name", d.Insert(ctx, Person{ID: "4", Tenant: "t1", Name: "ann"}), "tenant", "name")
	violation(t, "Update to a taken pair", errOf(d.Update(ctx, Person{ID: "3", Tenant: "t2", Name: "ann"})), "tenant", "name")
}

func (s *suite) testUniqueNullable(t *testing.T) {
	for _, field := range []dao.AnyField[Person]{pNick, pHomeCity, pCity, pZip, pAvatar} {
		_, err := s.h.People(t, dao.WithUnique(pEmail), dao.WithUnique(field))
		isErr(t, fmt.Sprintf("a unique index on %q, which can be missing or null, is refused", field), err, dao.ErrInvalidOption)
	}
}

func (s *suite) testConcurrentInserts(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithUnique(pEmail))
	const emails = 10
	var (
		mu     sync.Mutex
		wins   = map[string]int{}
		losses int
		wg     sync.WaitGroup
	)
	for w := range s.f.Workers {
		wg.Go(func() {
			for i := range emails {
				p := Person{ID: fmt.Sprintf("w%d-%d", w, i), Email: fmt.Sprintf("e%d", i)}
				err := d.Insert(ctx, p)
				mu.Lock()
				switch {
				case err == nil:
					wins[p.Email]++
				case errors.Is(err, dao.ErrUniqueViolation):
					losses++
				default:
					t.Errorf("concurrent Insert: %v", err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i := range emails {
		equal(t, "exactly one concurrent Insert wins each unique value", wins[fmt.Sprintf("e%d", i)], 1)
	}
	equal(t, "the others fail with ErrUniqueViolation", losses, emails*(s.f.Workers-1))
	n, err := d.Count(ctx, dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "Count after concurrent inserts", n, int64(emails))
}

func (s *suite) testConcurrentUpserts(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithUnique(pEmail))
	const ids = 5
	var wg sync.WaitGroup
	for w := range s.f.Workers {
		wg.Go(func() {
			for i := range ids {
				p := Person{ID: fmt.Sprintf("p%d", i), Email: fmt.Sprintf("e%d", i), Age: w}
				if _, err := d.Upsert(ctx, p); err != nil {
					t.Errorf("concurrent Upserts of one new id all succeed (the last one wins): %v", err)
				}
			}
		})
	}
	wg.Wait()
	n, err := d.Count(ctx, dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "concurrent Upserts of one id store one document", n, int64(ids))
}
