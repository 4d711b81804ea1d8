package daotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/dao"
)

func (s *suite) testCRUD(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	p := fixture()[0]
	p.Note = "not stored"
	p.Born = time.Date(2001, 2, 3, 4, 5, 6, 789_123_456, time.FixedZone("X", 3600))
	noErr(t, "Insert of a new document", d.Insert(ctx, p))
	got, err := d.Get(ctx, p.ID)
	noErr(t, "Get after Insert", err)
	equal(t, "Get returns what Insert stored", got, stored(p))

	isErr(t, "Insert of a taken id", d.Insert(ctx, p), dao.ErrAlreadyExists)

	p.Name, p.Age, p.Home = "Ada L.", 37, &Address{City: "Ockham"}
	noErr(t, "Update of a stored document", errOf(d.Update(ctx, p)))
	got, err = d.Get(ctx, p.ID)
	noErr(t, "Get after Update", err)
	equal(t, "Update replaces the whole document", got, stored(p))

	p.Tags, p.Nick = nil, nil
	noErr(t, "Upsert of a stored document", errOf(d.Upsert(ctx, p)))
	got, _ = d.Get(ctx, p.ID)
	equal(t, "Upsert replaces a stored document", got, stored(p))

	q := fixture()[1]
	noErr(t, "Upsert of a new document", errOf(d.Upsert(ctx, q)))
	got, err = d.Get(ctx, q.ID)
	noErr(t, "Get after Upsert", err)
	equal(t, "Upsert inserts a new document", got, stored(q))

	noErr(t, "Delete of a stored document", d.Delete(ctx, p.ID))
	_, err = d.Get(ctx, p.ID)
	isErr(t, "Get after Delete", err, dao.ErrNotFound)
	n, err := d.Count(ctx, dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "Count after Delete", n, int64(1))
	noErr(t, "Insert after Delete reuses the id", d.Insert(ctx, p))
}

func (s *suite) testNotFound(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	_, err := d.Get(ctx, "missing")
	isErr(t, "Get of a missing id", err, dao.ErrNotFound)
	isErr(t, "Update of a missing id", errOf(d.Update(ctx, Person{ID: "missing"})), dao.ErrNotFound)
	isErr(t, "Delete of a missing id", d.Delete(ctx, "missing"), dao.ErrNotFound)
	n, err := d.Count(ctx, dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "failed calls store nothing", n, int64(0))
}

func (s *suite) testNoAliasing(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	p := fixture()[0]
	p.Attrs = map[string]string{"k": "v"}
	noErr(t, "Insert", d.Insert(ctx, p))
	p.Tags[0], p.Avatar[0], p.Attrs["k"], *p.Nick, p.Address.Zip = "changed", 9, "changed", "changed", nil
	got, _ := d.Get(ctx, "a")
	want := fixture()[0]
	want.Attrs = map[string]string{"k": "v"}
	equal(t, "changing the inserted value after Insert does not change the stored document", got, stored(want))
	got.Tags[0], got.Attrs["k"], *got.Nick = "changed", "changed", "changed"
	again, _ := d.Get(ctx, "a")
	equal(t, "changing a value returned by Get does not change the stored document", again, stored(want))
	for doc, err := range d.Find(ctx, dao.All[Person]()) {
		noErr(t, "Find", err)
		doc.Tags[0] = "changed"
	}
	again, _ = d.Get(ctx, "a")
	equal(t, "changing a value yielded by Find does not change the stored document", again, stored(want))
}

func (s *suite) testTimePrecision(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	zone := time.FixedZone("UTC-7", -7*3600)
	times := []time.Time{
		time.Date(2024, 5, 6, 7, 8, 9, 123_456_789, zone),
		time.Date(1969, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(1950, 1, 1, 0, 0, 0, 500_000, time.UTC),
		{},
	}
	for i, tm := range times {
		p := Person{ID: string(rune('a' + i)), Born: tm}
		noErr(t, "Insert", d.Insert(ctx, p))
		got, err := d.Get(ctx, p.ID)
		noErr(t, "Get", err)
		want := time.UnixMilli(tm.UnixMilli()).UTC()
		if !got.Born.Equal(want) || got.Born.Location() != time.UTC || got.Born.Nanosecond()%1_000_000 != 0 {
			t.Errorf("times keep millisecond precision in UTC: stored %v, got %v, want %v", tm, got.Born, want)
		}
	}
	n, err := d.Count(ctx, pBorn.Eq(time.Date(2024, 5, 6, 14, 8, 9, 123_000_000, time.UTC)))
	noErr(t, "Count", err)
	equal(t, "a filter on a time matches at millisecond precision", n, int64(1))
}

func (s *suite) testZeroValues(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	noErr(t, "Insert of the zero document (empty id)", d.Insert(ctx, Person{}))
	got, err := d.Get(ctx, "")
	noErr(t, "Get of the empty id", err)
	equal(t, "the zero document round-trips", got, Person{})
	n, err := d.Count(ctx, dao.And(pAge.Eq(0), pName.Eq(""), pActive.Eq(false), pNick.Exists(false)))
	noErr(t, "Count", err)
	equal(t, "zero values are stored and omitempty fields are absent", n, int64(1))
	n, err = d.Count(ctx, pTags.Exists(true))
	noErr(t, "Count", err)
	equal(t, "a nil slice without omitempty is stored as null (present)", n, int64(1))
}

func (s *suite) testUnicode(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	names := []string{"zoë", "Zoe", "Ärger", "日本語", "🙂 smile", "a\u0000b", "e\u0301"}
	id := func(i int) string {
		if s.f.ASCIIIDs {
			return fmt.Sprintf("u-%d", i)
		}
		return "ü-" + names[i]
	}
	for i, name := range names {
		p := Person{ID: id(i), Name: name, Email: strings.Repeat("é", i)}
		noErr(t, "Insert of a unicode document", d.Insert(ctx, p))
		got, err := d.Get(ctx, p.ID)
		noErr(t, "Get of a unicode id", err)
		equal(t, "unicode round-trips", got, p)
	}
	got := collect(t, "Find sorted by name", d.Find(ctx, dao.All[Person](), dao.OrderBy(pName.Asc())))
	var gotNames []string
	for _, p := range got {
		gotNames = append(gotNames, p.Name)
	}
	want := []string{"Zoe", "a\u0000b", "e\u0301", "zoë", "Ärger", "日本語", "🙂 smile"}
	equal(t, "strings sort by their UTF-8 bytes", gotNames, want)
	p, err := d.FindOne(ctx, pName.Eq("日本語"))
	noErr(t, "FindOne by a unicode value", err)
	equal(t, "FindOne by a unicode value", p.ID, id(3))
}

func (s *suite) testLargeDocument(t *testing.T) {
	ctx := t.Context()
	d := s.people(t)
	p := Person{ID: "big", Attrs: map[string]string{}, Avatar: bytes.Repeat([]byte{0xab}, s.f.LargeDocumentBytes/4)}
	for i := range 16 {
		p.Attrs[string(rune('a'+i))] = strings.Repeat("x", s.f.LargeDocumentBytes/32)
	}
	noErr(t, "Insert of a large document", d.Insert(ctx, p))
	got, err := d.Get(ctx, "big")
	noErr(t, "Get of a large document", err)
	equal(t, "a large document round-trips", got, p)
}

func (s *suite) testCancellation(t *testing.T) {
	d := s.people(t)
	noErr(t, "Insert", d.Insert(t.Context(), fixture()[0]))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(op string, err error) {
		t.Helper()
		if err != context.Canceled {
			t.Errorf("%s with a canceled context returned %v, want context.Canceled itself (unwrapped)", op, err)
		}
	}
	_, err := d.Get(ctx, "a")
	check("Get", err)
	check("Insert", d.Insert(ctx, fixture()[1]))
	check("Update", errOf(d.Update(ctx, fixture()[0])))
	check("Upsert", errOf(d.Upsert(ctx, fixture()[1])))
	check("Delete", d.Delete(ctx, "a"))
	_, err = d.FindOne(ctx, dao.All[Person]())
	check("FindOne", err)
	_, err = d.Count(ctx, dao.All[Person]())
	check("Count", err)
	_, err = dao.Collect(d.Find(ctx, dao.All[Person]()))
	check("Find", err)
	n, err := d.Count(t.Context(), dao.All[Person]())
	noErr(t, "Count", err)
	equal(t, "canceled writes store nothing", n, int64(1))

	ctx, cancel = context.WithTimeout(t.Context(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	_, err = d.Get(ctx, "a")
	if !errors.Is(err, context.DeadlineExceeded) || err != context.DeadlineExceeded {
		t.Errorf("Get with an expired context returned %v, want context.DeadlineExceeded itself", err)
	}
}

func (s *suite) testCustomIDField(t *testing.T) {
	ctx := t.Context()
	d := s.people(t, dao.WithIDField(pEmail))
	for _, p := range fixture() {
		noErr(t, "Insert with the email as the id", d.Insert(ctx, p))
	}
	got, err := d.Get(ctx, "cy@example.org")
	noErr(t, "Get by the custom id field", err)
	equal(t, "Get by the custom id field", got, stored(fixture()[2]))
	isErr(t, "Insert of a taken custom id", d.Insert(ctx, Person{ID: "z", Email: "cy@example.org"}), dao.ErrAlreadyExists)
	noErr(t, "the field named id is an ordinary field", d.Insert(ctx, Person{ID: "a", Email: "other@example.org"}))
	var emails []string
	for p, err := range d.Find(ctx, pID.Eq("a")) {
		noErr(t, "Find", err)
		emails = append(emails, p.Email)
	}
	equal(t, "results sort by the custom id", emails, []string{"ada@example.org", "other@example.org"})
	n, err := d.Count(ctx, pEmail.Gt("d"))
	noErr(t, "Count", err)
	equal(t, "a filter on the custom id field", n, int64(3))
	noErr(t, "Delete by the custom id", d.Delete(ctx, "ada@example.org"))
	_, err = d.Get(ctx, "ada@example.org")
	isErr(t, "Get after Delete", err, dao.ErrNotFound)
}
