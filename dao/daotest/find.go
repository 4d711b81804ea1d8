package daotest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
)

func (s *suite) testFilters(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	all := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		filter dao.Filter
		want   []string
	}{
		{dao.All(), all},
		{dao.Eq("name", "Bob"), []string{"b"}},
		{dao.Eq("age", 25), []string{"b", "c"}},
		{dao.Eq("age", 25.0), []string{"b", "c"}},
		{dao.Eq("score", 7), []string{"b"}},
		{dao.Ne("age", 25), []string{"a", "d", "e"}},
		{dao.Gt("age", 25), []string{"a", "d"}},
		{dao.Gt("age", 24.5), []string{"a", "b", "c", "d"}},
		{dao.Gte("age", 25), []string{"a", "b", "c", "d"}},
		{dao.Lt("age", 25), []string{"e"}},
		{dao.Lte("score", 7), []string{"b", "d", "e"}},
		{dao.Gt("score", int8(7)), []string{"a", "c"}},
		{dao.In("tenant", "t1", "t3"), []string{"a", "b", "e"}},
		{dao.Nin("tenant", "t1", "t3"), []string{"c", "d"}},
		{dao.In("tenant"), nil},
		{dao.Nin("tenant"), all},
		{dao.Eq("active", true), []string{"a", "c"}},
		{dao.Ne("active", true), []string{"b", "d", "e"}},
		{dao.Gt("active", false), []string{"a", "c"}},
		{dao.Eq("nick", nil), []string{"b", "e"}},
		{dao.Ne("nick", nil), []string{"a", "c", "d"}},
		{dao.Exists("nick", true), []string{"a", "c", "d"}},
		{dao.Exists("nick", false), []string{"b", "e"}},
		{dao.Eq("nick", ""), []string{"d"}},
		{dao.Ne("nick", "ada"), []string{"b", "c", "d", "e"}},
		{dao.In("nick", nil, "cy"), []string{"b", "c", "e"}},
		{dao.Nin("nick", nil, "cy"), []string{"a", "d"}},
		{dao.Gte("nick", ""), []string{"a", "c", "d"}},
		{dao.Eq("address.city", "London"), []string{"a"}},
		{dao.Eq("address.city", nil), []string{"c", "e"}},
		{dao.Exists("address.city", false), []string{"c", "e"}},
		{dao.Eq("address.zip", nil), []string{"b", "c", "d", "e"}},
		{dao.Exists("address.zip", true), all},
		{dao.Eq("home.city", "Nice"), []string{"b"}},
		{dao.Exists("home", true), []string{"b"}},
		{dao.Eq("home.city", nil), []string{"a", "c", "d", "e"}},
		{dao.Exists("home.city", false), []string{"a", "c", "d", "e"}},
		{dao.Ne("home.city", "Nice"), []string{"a", "c", "d", "e"}},
		{dao.Gt("born", date(1950, 1, 1)), []string{"b", "c", "d"}},
		{dao.Lt("born", date(1900, 1, 1)), []string{"a", "e"}},
		{dao.Eq("born", date(2000, 2, 29)), []string{"c"}},
		{dao.Eq("id", "c"), []string{"c"}},
		{dao.In("id", "a", "e", "zz"), []string{"a", "e"}},
		{dao.Gt("id", "b"), []string{"c", "d", "e"}},
		{dao.Gt("name", "Bob"), []string{"c", "d", "e"}},
		{dao.Eq("avatar", []byte{1, 2}), []string{"a"}},
		{dao.Exists("avatar", false), []string{"b", "c", "d", "e"}},
		{dao.Exists("tags", true), all},
		{dao.Exists("attrs", true), []string{"d"}},
		{dao.And(dao.Eq("tenant", "t1"), dao.Gt("age", 30)), []string{"a"}},
		{dao.Or(dao.Eq("name", "Cy"), dao.Lt("age", 1)), []string{"c", "e"}},
		{dao.Or(dao.And(dao.Eq("tenant", "t2"), dao.Eq("active", false)), dao.Eq("home.city", "Nice")), []string{"b", "d"}},
		{dao.And(), all},
		{dao.And(dao.Or(dao.Eq("age", 25), dao.Eq("age", 61)), dao.Ne("tenant", "t2")), []string{"b"}},
	}
	for _, tt := range tests {
		rule := fmt.Sprintf("Find(%s)", tt.filter)
		got := ids(collect(t, rule, d.Find(ctx, tt.filter)))
		if len(got) == 0 {
			got = nil
		}
		equal(t, rule, got, tt.want)
		n, err := d.Count(ctx, tt.filter)
		noErr(t, "Count", err)
		equal(t, fmt.Sprintf("Count(%s)", tt.filter), n, int64(len(tt.want)))
	}
}

func (s *suite) testInvalidFilter(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	filters := []dao.Filter{
		dao.Eq("nope", 1),
		dao.Eq("Name", "Ada"),
		dao.Eq("address.nope", "x"),
		dao.Eq("name.first", "x"),
		dao.Eq("tags.0", "x"),
		dao.Eq("name", 5),
		dao.Eq("age", "36"),
		dao.Eq("born", "2000-01-01"),
		dao.Gt("age", nil),
		dao.Eq("address", "x"),
		dao.Eq("tags", "math"),
		dao.Eq("name", struct{}{}),
		dao.In("age", 1, "2"),
		dao.Or(),
		dao.And(dao.Eq("age", 1), dao.Exists("nope", true)),
		dao.Eq("note", ""),
		dao.Eq("", 1),
	}
	for _, f := range filters {
		rule := fmt.Sprintf("filter %s is invalid", f)
		_, err := dao.Collect(d.Find(ctx, f))
		isErr(t, rule+" (Find)", err, dao.ErrInvalidFilter)
		_, err = d.Count(ctx, f)
		isErr(t, rule+" (Count)", err, dao.ErrInvalidFilter)
		_, err = d.FindOne(ctx, f)
		isErr(t, rule+" (FindOne)", err, dao.ErrInvalidFilter)
	}
	opts := [][]dao.FindOption{
		{dao.OrderBy(dao.Asc("nope"))},
		{dao.OrderBy(dao.Asc("address"))},
		{dao.OrderBy(dao.Asc("tags"))},
		{dao.OrderBy(dao.Asc("age"), dao.Desc("age"))},
		{dao.Skip(-1)},
		{dao.Limit(-1)},
	}
	for i, o := range opts {
		_, err := dao.Collect(d.Find(ctx, dao.All(), o...))
		isErr(t, fmt.Sprintf("find options #%d are invalid", i), err, dao.ErrInvalidFilter)
	}
}

func (s *suite) testSort(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	tests := []struct {
		keys []dao.Sort
		want []string
	}{
		{nil, []string{"a", "b", "c", "d", "e"}},
		{[]dao.Sort{dao.Asc("age")}, []string{"e", "b", "c", "a", "d"}},
		{[]dao.Sort{dao.Desc("age")}, []string{"d", "a", "b", "c", "e"}},
		{[]dao.Sort{dao.Asc("tenant"), dao.Desc("age")}, []string{"a", "b", "d", "c", "e"}},
		{[]dao.Sort{dao.Asc("nick")}, []string{"b", "e", "d", "a", "c"}},
		{[]dao.Sort{dao.Desc("nick")}, []string{"c", "a", "d", "b", "e"}},
		{[]dao.Sort{dao.Asc("address.city")}, []string{"c", "e", "a", "b", "d"}},
		{[]dao.Sort{dao.Asc("home.city")}, []string{"a", "c", "d", "e", "b"}},
		{[]dao.Sort{dao.Desc("home.city")}, []string{"b", "a", "c", "d", "e"}},
		{[]dao.Sort{dao.Asc("address.zip")}, []string{"b", "c", "d", "e", "a"}},
		{[]dao.Sort{dao.Asc("name")}, []string{"a", "b", "c", "d", "e"}},
		{[]dao.Sort{dao.Desc("born")}, []string{"c", "b", "d", "a", "e"}},
		{[]dao.Sort{dao.Asc("active"), dao.Asc("score")}, []string{"d", "e", "b", "c", "a"}},
		{[]dao.Sort{dao.Desc("id")}, []string{"e", "d", "c", "b", "a"}},
		{[]dao.Sort{dao.Asc("avatar")}, []string{"b", "c", "d", "e", "a"}},
	}
	for _, tt := range tests {
		rule := fmt.Sprintf("OrderBy(%v)", tt.keys)
		got := ids(collect(t, rule, d.Find(ctx, dao.All(), dao.OrderBy(tt.keys...))))
		equal(t, rule+" (ties by id, missing and null first)", got, tt.want)
	}
}

func (s *suite) testSkipLimitCount(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	by := dao.OrderBy(dao.Asc("age"))
	tests := []struct {
		filter dao.Filter
		opts   []dao.FindOption
		want   []string
	}{
		{dao.All(), []dao.FindOption{by, dao.Skip(1), dao.Limit(2)}, []string{"b", "c"}},
		{dao.All(), []dao.FindOption{by, dao.Skip(4)}, []string{"d"}},
		{dao.All(), []dao.FindOption{by, dao.Skip(10)}, nil},
		{dao.All(), []dao.FindOption{by, dao.Limit(0)}, []string{"e", "b", "c", "a", "d"}},
		{dao.All(), []dao.FindOption{dao.Limit(1)}, []string{"a"}},
		{dao.Gte("age", 25), []dao.FindOption{dao.OrderBy(dao.Desc("score")), dao.Skip(1), dao.Limit(10)}, []string{"c", "b", "d"}},
	}
	for i, tt := range tests {
		rule := fmt.Sprintf("skip/limit case #%d", i)
		got := ids(collect(t, rule, d.Find(ctx, tt.filter, tt.opts...)))
		if len(got) == 0 {
			got = nil
		}
		equal(t, rule, got, tt.want)
	}
	n, err := d.Count(ctx, dao.Gte("age", 25))
	noErr(t, "Count", err)
	equal(t, "Count ignores paging", n, int64(4))
}

func (s *suite) testFindOne(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	got, err := d.FindOne(ctx, dao.Eq("address.city", "Paris"))
	noErr(t, "FindOne with one hit", err)
	equal(t, "FindOne returns the hit", got, stored(fixture()[1]))
	_, err = d.FindOne(ctx, dao.Eq("name", "Nobody"))
	isErr(t, "FindOne with no hit", err, dao.ErrNoHits)
	_, err = d.FindOne(ctx, dao.Eq("age", 25))
	isErr(t, "FindOne with two hits", err, dao.ErrMultipleHits)
}

func (s *suite) testEarlyBreak(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	for i := range 250 {
		noErr(t, "Insert", d.Insert(ctx, Person{ID: fmt.Sprintf("p%03d", i), Age: i}))
	}
	for range 20 {
		n := 0
		for p, err := range d.Find(ctx, dao.Gte("age", 10), dao.OrderBy(dao.Asc("age"))) {
			noErr(t, "Find", err)
			if p.Age != 10+n {
				t.Fatalf("Find yields in order: got age %d at position %d", p.Age, n)
			}
			if n++; n == 3 {
				break
			}
		}
		equal(t, "breaking out of Find stops it", n, 3)
	}
	got := collect(t, "Find after early breaks", d.Find(ctx, dao.Gte("age", 10)))
	equal(t, "Find after early breaks yields everything", len(got), 240)
	var errCount int
	for _, err := range d.Find(ctx, dao.Eq("nope", 1)) {
		if !errors.Is(err, dao.ErrInvalidFilter) {
			t.Errorf("Find with an invalid filter yields ErrInvalidFilter, got %v", err)
		}
		errCount++
	}
	equal(t, "an error ends the sequence after one yield", errCount, 1)
}
