package daotest

import (
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit/dao"
)

func ptr[V any](v V) *V { return &v }

// stored returns what a DAO must return for p: times in UTC at millisecond
// precision, fields without a json name dropped.
func stored(p Person) Person {
	p.Born = dao.TruncateTime(p.Born)
	p.Note = ""
	return p
}

func ids(ps []Person) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func collect[T any](t *testing.T, rule string, seq iter.Seq2[T, error]) []T {
	t.Helper()
	out, err := dao.Collect(seq)
	if err != nil {
		t.Fatalf("%s: Find failed: %v", rule, err)
	}
	return out
}

// noErr fails the test when err is not nil, naming the rule.
func noErr(t *testing.T, rule string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", rule, err)
	}
}

// isErr checks that err matches want with errors.Is.
func isErr(t *testing.T, rule string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want one matching %v", rule, err, want)
	}
}

func equal[V any](t *testing.T, rule string, got, want V) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: mismatch (-want +got):\n%s", rule, diff)
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// fixture is the data set of the filter and sort tests.
func fixture() []Person {
	return []Person{
		{ID: "a", Name: "Ada", Email: "ada@example.org", Tenant: "t1", Age: 36, Score: 9.5, Active: true,
			Nick: ptr("ada"), Born: date(1815, 12, 10), Address: Address{Street: "1 Main", City: "London", Zip: ptr("N1")},
			Tags: []string{"math"}, Avatar: []byte{1, 2}},
		{ID: "b", Name: "Bob", Email: "bob@example.org", Tenant: "t1", Age: 25, Score: 7,
			Born: date(1990, 1, 2), Address: Address{City: "Paris"}, Home: &Address{City: "Nice"}},
		{ID: "c", Name: "Cy", Email: "cy@example.org", Tenant: "t2", Age: 25, Score: 7.25, Active: true,
			Nick: ptr("cy"), Born: date(2000, 2, 29), Tags: []string{"a", "b"}},
		{ID: "d", Name: "Dee", Email: "dee@example.org", Tenant: "t2", Age: 61, Score: -1,
			Nick: ptr(""), Born: date(1960, 6, 1), Address: Address{City: "london"}, Attrs: map[string]string{"k": "v"}},
		{ID: "e", Name: "Émile", Email: "emile@example.org", Tenant: "t3"},
	}
}

func (s *suite) loaded(t *testing.T, opts ...dao.Option[Person]) dao.DAO[Person, string] {
	t.Helper()
	d := s.people(t, opts...)
	for _, p := range fixture() {
		noErr(t, "inserting the fixture", d.Insert(t.Context(), p))
	}
	return d
}

// errOf drops the version an Update or Upsert returns.
func errOf(_ int64, err error) error { return err }
