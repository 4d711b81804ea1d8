package dao_test

import (
	"context"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/driver"
)

var benchFilter dao.Filter[User]

// BenchmarkFilter measures building filters from typed fields: no
// reflection, one allocation per And/Or (its list of filters) and per
// In/Nin (its list of values).
func BenchmarkFilter(b *testing.B) {
	b.Run("Eq", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchFilter = userAge.Eq(42)
		}
	})
	b.Run("And", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchFilter = dao.And(userAge.Gte(18), userCity.Eq("Rome"))
		}
	})
	b.Run("In", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchFilter = userEmail.In("a@example.org", "b@example.org", "c@example.org")
		}
	})
}

// stubCollection is a driver whose Find yields n empty documents, so that
// BenchmarkFind measures only what the portable layer adds to a Find.
type stubCollection struct {
	driver.Collection
	n int
}

func (stubCollection) Init(context.Context, driver.Schema) error { return nil }

func (stubCollection) Insert(context.Context, driver.Value, any) error { return nil }

func (stubCollection) Get(context.Context, driver.Value, any) error { return nil }

func (s stubCollection) Find(context.Context, driver.Query) (driver.Cursor, error) {
	return &stubCursor{left: s.n}, nil
}

type stubCursor struct{ left int }

func (c *stubCursor) Next(context.Context) bool { c.left--; return c.left >= 0 }
func (c *stubCursor) Decode(_, _ any) error     { return nil }
func (c *stubCursor) Err() error                { return nil }
func (c *stubCursor) Close(context.Context) error {
	return nil
}

// BenchmarkFind measures the portable layer's cost of a Find of 100
// documents (filter, sort and paging checks, the cursor loop), without a
// store behind it.
func BenchmarkFind(b *testing.B) {
	users, err := dao.New[User, string](context.Background(), stubCollection{n: 100})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range users.Find(ctx, userAge.Gte(18), dao.OrderBy(userAge.Desc()).Limit(100)) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100 {
			b.Fatalf("found %d, want 100", n)
		}
	}
}

// BenchmarkWrite measures the portable layer's cost of an Insert and a Get
// (id conversion, the document check), without a store behind it.
func BenchmarkWrite(b *testing.B) {
	users, err := dao.New[User, string](context.Background(), stubCollection{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	u := User{ID: "u1", Email: "ada@example.org", Name: "Ada", Age: 36, Score: 9.5, Address: Address{City: "London"}}
	b.Run("Insert", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := users.Insert(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := users.Get(ctx, "u1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
