package daotest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
)

func (s *suite) testFilters(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	all := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		filter dao.Filter[Person]
		want   []string
	}{
		{dao.All[Person](), all},
		{pName.Eq("Bob"), []string{"b"}},
		{pAge.Eq(25), []string{"b", "c"}},
		{pScore.Eq(7), []string{"b"}},
		{pAge.Ne(25), []string{"a", "d", "e"}},
		{pAge.Gt(25), []string{"a", "d"}},
		{pAge.Gt(24), []string{"a", "b", "c", "d"}},
		{pAge.Gte(25), []string{"a", "b", "c", "d"}},
		{pAge.Lt(25), []string{"e"}},
		{pScore.Lte(7), []string{"b", "d", "e"}},
		{pScore.Gt(7), []string{"a", "c"}},
		{pTenant.In("t1", "t3"), []string{"a", "b", "e"}},
		{pTenant.Nin("t1", "t3"), []string{"c", "d"}},
		{pTenant.In(), nil},
		{pTenant.Nin(), all},
		{pActive.Eq(true), []string{"a", "c"}},
		{pActive.Ne(true), []string{"b", "d", "e"}},
		{pActive.Gt(false), []string{"a", "c"}},
		{pNick.Eq(nil), []string{"b", "e"}},
		{pNick.Ne(nil), []string{"a", "c", "d"}},
		{pNick.Exists(true), []string{"a", "c", "d"}},
		{pNick.Exists(false), []string{"b", "e"}},
		{pNick.Eq(ptr("")), []string{"d"}},
		{pNick.Ne(ptr("ada")), []string{"b", "c", "d", "e"}},
		{pNick.In(nil, ptr("cy")), []string{"b", "c", "e"}},
		{pNick.Nin(nil, ptr("cy")), []string{"a", "d"}},
		{pNick.Gte(ptr("")), []string{"a", "c", "d"}},
		{pCity.Eq("London"), []string{"a"}},
		{pCityOpt.Eq(nil), []string{"c", "e"}},
		{pCity.Exists(false), []string{"c", "e"}},
		{pZip.Eq(nil), []string{"b", "c", "d", "e"}},
		{pZip.Exists(true), all},
		{pHomeCity.Eq("Nice"), []string{"b"}},
		{pHome.Exists(true), []string{"b"}},
		{pHomeCityOpt.Eq(nil), []string{"a", "c", "d", "e"}},
		{pHomeCity.Exists(false), []string{"a", "c", "d", "e"}},
		{pHomeCity.Ne("Nice"), []string{"a", "c", "d", "e"}},
		{pBorn.Gt(date(1950, 1, 1)), []string{"b", "c", "d"}},
		{pBorn.Lt(date(1900, 1, 1)), []string{"a", "e"}},
		{pBorn.Eq(date(2000, 2, 29)), []string{"c"}},
		{pID.Eq("c"), []string{"c"}},
		{pID.In("a", "e", "zz"), []string{"a", "e"}},
		{pID.Gt("b"), []string{"c", "d", "e"}},
		{pName.Gt("Bob"), []string{"c", "d", "e"}},
		{pAvatar.Eq([]byte{1, 2}), []string{"a"}},
		{pAvatar.Exists(false), []string{"b", "c", "d", "e"}},
		{pTags.Exists(true), all},
		{pAttrs.Exists(true), []string{"d"}},
		{dao.And(pTenant.Eq("t1"), pAge.Gt(30)), []string{"a"}},
		{dao.Or(pName.Eq("Cy"), pAge.Lt(1)), []string{"c", "e"}},
		{dao.Or(dao.And(pTenant.Eq("t2"), pActive.Eq(false)), pHomeCity.Eq("Nice")), []string{"b", "d"}},
		{dao.And[Person](), all},
		{dao.And(dao.Or(pAge.Eq(25), pAge.Eq(61)), pTenant.Ne("t2")), []string{"b"}},
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
	filters := []dao.Filter[Person]{
		pNick.Gt(nil),
		pAddress.Eq(Address{}),
		pTags.Eq([]string{"math"}),
		pHome.Eq(nil),
		dao.Or[Person](),
		dao.And(pAge.Eq(1), dao.Or[Person]()),
		pScore.Eq(math.NaN()),
		pScore.Gte(math.Inf(1)),
		pScore.In(1, math.Inf(-1)),
		pName.Eq("a\xffb"),
		pCity.Nin("ok", "\xff"),
		dao.Field[Person, int]{}.Eq(1),
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
	// The filter is refused before anything else, a done context included.
	done, cancel := context.WithCancel(ctx)
	cancel()
	bad := pName.Eq("a\xffb")
	_, err := dao.Collect(d.Find(done, bad))
	isErr(t, "an invalid filter with a canceled context (Find)", err, dao.ErrInvalidFilter)
	_, err = d.Count(done, bad)
	isErr(t, "an invalid filter with a canceled context (Count)", err, dao.ErrInvalidFilter)
	_, err = d.FindOne(done, bad)
	isErr(t, "an invalid filter with a canceled context (FindOne)", err, dao.ErrInvalidFilter)
	opts := [][]dao.FindOption[Person]{
		{dao.OrderBy(dao.Field[Person, int]{}.Asc())},
		{dao.OrderBy(pAddress.Asc())},
		{dao.OrderBy(pTags.Asc())},
		{dao.OrderBy(pAge.Asc(), pAge.Desc())},
		{dao.Skip[Person](-1)},
		{dao.Limit[Person](-1)},
	}
	for i, o := range opts {
		_, err := dao.Collect(d.Find(ctx, dao.All[Person](), o...))
		isErr(t, fmt.Sprintf("find options #%d are invalid", i), err, dao.ErrInvalidFilter)
	}
}

func (s *suite) testSort(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	tests := []struct {
		keys []dao.Sort[Person]
		want []string
	}{
		{nil, []string{"a", "b", "c", "d", "e"}},
		{[]dao.Sort[Person]{pAge.Asc()}, []string{"e", "b", "c", "a", "d"}},
		{[]dao.Sort[Person]{pAge.Desc()}, []string{"d", "a", "b", "c", "e"}},
		{[]dao.Sort[Person]{pTenant.Asc(), pAge.Desc()}, []string{"a", "b", "d", "c", "e"}},
		{[]dao.Sort[Person]{pNick.Asc()}, []string{"b", "e", "d", "a", "c"}},
		{[]dao.Sort[Person]{pNick.Desc()}, []string{"c", "a", "d", "b", "e"}},
		{[]dao.Sort[Person]{pCity.Asc()}, []string{"c", "e", "a", "b", "d"}},
		{[]dao.Sort[Person]{pHomeCity.Asc()}, []string{"a", "c", "d", "e", "b"}},
		{[]dao.Sort[Person]{pHomeCity.Desc()}, []string{"b", "a", "c", "d", "e"}},
		{[]dao.Sort[Person]{pZip.Asc()}, []string{"b", "c", "d", "e", "a"}},
		{[]dao.Sort[Person]{pName.Asc()}, []string{"a", "b", "c", "d", "e"}},
		{[]dao.Sort[Person]{pBorn.Desc()}, []string{"c", "b", "d", "a", "e"}},
		{[]dao.Sort[Person]{pActive.Asc(), pScore.Asc()}, []string{"d", "e", "b", "c", "a"}},
		{[]dao.Sort[Person]{pID.Desc()}, []string{"e", "d", "c", "b", "a"}},
		{[]dao.Sort[Person]{pAvatar.Asc()}, []string{"b", "c", "d", "e", "a"}},
	}
	for _, tt := range tests {
		rule := fmt.Sprintf("OrderBy(%v)", tt.keys)
		got := ids(collect(t, rule, d.Find(ctx, dao.All[Person](), dao.OrderBy(tt.keys...))))
		equal(t, rule+" (ties by id, missing and null first)", got, tt.want)
	}
}

func (s *suite) testSkipLimitCount(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	by := dao.OrderBy(pAge.Asc())
	tests := []struct {
		filter dao.Filter[Person]
		opts   []dao.FindOption[Person]
		want   []string
	}{
		{dao.All[Person](), []dao.FindOption[Person]{by, dao.Skip[Person](1), dao.Limit[Person](2)}, []string{"b", "c"}},
		{dao.All[Person](), []dao.FindOption[Person]{by, dao.Skip[Person](4)}, []string{"d"}},
		{dao.All[Person](), []dao.FindOption[Person]{by, dao.Skip[Person](10)}, nil},
		{dao.All[Person](), []dao.FindOption[Person]{by, dao.Limit[Person](0)}, []string{"e", "b", "c", "a", "d"}},
		{dao.All[Person](), []dao.FindOption[Person]{dao.Limit[Person](1)}, []string{"a"}},
		{pAge.Gte(25), []dao.FindOption[Person]{dao.OrderBy(pScore.Desc()), dao.Skip[Person](1), dao.Limit[Person](10)}, []string{"c", "b", "d"}},
		{dao.All[Person](), []dao.FindOption[Person]{by, dao.Skip[Person](1), dao.Limit[Person](math.MaxInt64)}, []string{"b", "c", "a", "d"}},
		{dao.All[Person](), []dao.FindOption[Person]{by, dao.Skip[Person](math.MaxInt64), dao.Limit[Person](math.MaxInt64)}, nil},
	}
	for i, tt := range tests {
		rule := fmt.Sprintf("skip/limit case #%d", i)
		got := ids(collect(t, rule, d.Find(ctx, tt.filter, tt.opts...)))
		if len(got) == 0 {
			got = nil
		}
		equal(t, rule, got, tt.want)
	}
	n, err := d.Count(ctx, pAge.Gte(25))
	noErr(t, "Count", err)
	equal(t, "Count ignores paging", n, int64(4))
}

func (s *suite) testFindOne(t *testing.T) {
	ctx := t.Context()
	d := s.loaded(t)
	got, err := d.FindOne(ctx, pCity.Eq("Paris"))
	noErr(t, "FindOne with one hit", err)
	equal(t, "FindOne returns the hit", got, stored(fixture()[1]))
	_, err = d.FindOne(ctx, pName.Eq("Nobody"))
	isErr(t, "FindOne with no hit", err, dao.ErrNoHits)
	_, err = d.FindOne(ctx, pAge.Eq(25))
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
		for p, err := range d.Find(ctx, pAge.Gte(10), dao.OrderBy(pAge.Asc())) {
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
	got := collect(t, "Find after early breaks", d.Find(ctx, pAge.Gte(10)))
	equal(t, "Find after early breaks yields everything", len(got), 240)
	var errCount int
	for _, err := range d.Find(ctx, pTags.Gt(nil)) {
		if !errors.Is(err, dao.ErrInvalidFilter) {
			t.Errorf("Find with an invalid filter yields ErrInvalidFilter, got %v", err)
		}
		errCount++
	}
	equal(t, "an error ends the sequence after one yield", errCount, 1)
}
