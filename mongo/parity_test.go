package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/mongo"
)

// TestParity feeds the same random sequence of operations to the in-memory
// DAO and to the MongoDB provider on the real server, and compares every
// result: documents, order, counts and errors.
func TestParity(t *testing.T) {
	seed := uint64(20261127)
	if s := os.Getenv("HEXKIT_PARITY_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HEXKIT_PARITY_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (set HEXKIT_PARITY_SEED to try another)", seed)
	for _, cfg := range []struct {
		name string
		opts []dao.Option
	}{
		{"plain", nil},
		{"unique+versioned", []dao.Option{dao.WithUnique("email"), dao.WithUnique("tenant", "name"), dao.WithVersionField("version")}},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := testDB(t)
			real, err := mongo.NewDAO[daotest.Person, string](ctx, db, "parity", cfg.opts...)
			if err != nil {
				t.Fatal(err)
			}
			fake, err := memdao.New[daotest.Person, string](cfg.opts...)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(seed, uint64(len(cfg.opts))))
			g := &gen{r: r}
			counts := map[string]int{}
			for i := range 800 {
				op := g.op()
				fr, ferr := op.run(ctx, fake)
				rr, rerr := op.run(ctx, real)
				counts[op.name+"="+class(ferr)]++
				if fc, rc := class(ferr), class(rerr); fc != rc {
					t.Fatalf("op %d %s: memdao error %v (%s), mongo error %v (%s)", i, op, ferr, fc, rerr, rc)
				}
				if diff := cmp.Diff(fr, rr); diff != "" {
					t.Fatalf("op %d %s: results differ (-memdao +mongo):\n%s", i, op, diff)
				}
			}
			keys := make([]string, 0, len(counts))
			for k := range counts {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var b strings.Builder
			for _, k := range keys {
				fmt.Fprintf(&b, " %s:%d", k, counts[k])
			}
			t.Logf("operations by result:%s", b.String())
		})
	}
}

// class names the protocol error an operation returned.
func class(err error) string {
	var uv *dao.UniqueViolationError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &uv):
		return "unique" + fmt.Sprint(uv.Fields)
	}
	for _, s := range []error{dao.ErrNotFound, dao.ErrAlreadyExists, dao.ErrNoHits, dao.ErrMultipleHits,
		dao.ErrInvalidFilter, dao.ErrConflict, dao.ErrInvalidDocument} {
		if errors.Is(err, s) {
			return strings.TrimPrefix(s.Error(), "dao: ")
		}
	}
	return "unexpected: " + err.Error()
}

type operation struct {
	name string
	desc string
	run  func(context.Context, dao.DAO[daotest.Person, string]) (any, error)
}

func (o operation) String() string { return o.name + " " + o.desc }

type gen struct{ r *rand.Rand }

func pick[V any](g *gen, vs ...V) V { return vs[g.r.IntN(len(vs))] }

func ptr[V any](v V) *V { return &v }

func (g *gen) id() string { return fmt.Sprintf("p%d", g.r.IntN(12)) }

func (g *gen) person() daotest.Person {
	p := daotest.Person{
		ID:     g.id(),
		Name:   pick(g, "Ann", "ann", "Bob", "Émile", "zoë", ""),
		Email:  fmt.Sprintf("e%d", g.r.IntN(15)),
		Tenant: pick(g, "t0", "t1", "t2"),
		Age:    pick(g, 0, 1, 25, 42, -3),
		Score:  pick(g, 0, 1.5, -2, 7, 1e10),
		Active: g.r.IntN(2) == 0,
		Nick:   pick(g, nil, ptr(""), ptr("x"), ptr("y")),
		Born: pick(g, time.Time{}, time.Date(1999, 1, 2, 3, 4, 5, 678_901_234, time.UTC),
			time.Date(2024, 2, 29, 0, 0, 0, 1, time.FixedZone("x", 7200)), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)),
		Address: daotest.Address{Street: pick(g, "", "Main"), City: pick(g, "", "Rome", "rome"), Zip: pick(g, nil, ptr("z"))},
		Home:    pick(g, nil, &daotest.Address{City: "Nice"}, &daotest.Address{}),
		Tags:    pick(g, nil, []string{}, []string{"a"}),
		Attrs:   pick(g, nil, map[string]string{}, map[string]string{"k": "v"}),
		Avatar:  pick(g, nil, []byte{}, []byte{1}, []byte{0, 1}),
		Version: g.r.IntN(3),
	}
	return p
}

func (g *gen) value(field string) any {
	switch field {
	case "name":
		return pick[any](g, "Ann", "ann", "Bob", "Émile", "", "B", nil)
	case "email":
		return fmt.Sprintf("e%d", g.r.IntN(15))
	case "tenant":
		return pick[any](g, "t0", "t1", "t3")
	case "age":
		return pick[any](g, 0, 1, 25, 24.5, 42, -3, int64(1), nil)
	case "score":
		return pick[any](g, 0, 1.5, -2, 7, 1e10, nil)
	case "active":
		return pick[any](g, true, false, nil)
	case "nick", "address.city", "home.city", "address.zip", "address.street":
		return pick[any](g, "", "x", "y", "Rome", "rome", "Nice", "z", nil)
	case "born":
		return pick[any](g, time.Time{}, time.Date(1999, 1, 2, 3, 4, 5, 678_000_000, time.UTC), time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC))
	case "id":
		return g.id()
	case "avatar":
		return pick[any](g, []byte{1}, []byte{0, 1}, []byte{}, nil)
	case "version":
		return g.r.IntN(3)
	}
	return nil
}

var fields = []string{"name", "email", "tenant", "age", "score", "active", "nick", "born",
	"address.city", "address.zip", "address.street", "home.city", "id", "avatar", "version"}

func (g *gen) filter(depth int) dao.Filter {
	n := g.r.IntN(14)
	if depth > 1 && n >= 11 {
		n = g.r.IntN(11)
	}
	f := pick(g, fields...)
	v := g.value(f)
	if v == nil && n >= 2 && n <= 5 {
		n = 0
	}
	switch n {
	case 0:
		return dao.Eq(f, v)
	case 1:
		return dao.Ne(f, v)
	case 2:
		return dao.Gt(f, v)
	case 3:
		return dao.Gte(f, v)
	case 4:
		return dao.Lt(f, v)
	case 5:
		return dao.Lte(f, v)
	case 6:
		return dao.In(f, v, g.value(f))
	case 7:
		return dao.Nin(f, v, g.value(f))
	case 8:
		return dao.Exists(pick(g, append(fields, "home", "tags", "attrs")...), g.r.IntN(2) == 0)
	case 9:
		return dao.All()
	case 10:
		return dao.In(f)
	case 11:
		return dao.And(g.filter(depth+1), g.filter(depth+1))
	case 12:
		return dao.Or(g.filter(depth+1), g.filter(depth+1))
	}
	return dao.Or(g.filter(depth+1), dao.And(g.filter(depth+1), g.filter(depth+1)))
}

func (g *gen) op() operation {
	switch g.r.IntN(10) {
	case 0, 1:
		p := g.person()
		return operation{"Insert", p.ID, func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return nil, d.Insert(ctx, p)
		}}
	case 2:
		p := g.person()
		return operation{"Update", p.ID, func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return nil, d.Update(ctx, p)
		}}
	case 3:
		p := g.person()
		return operation{"Upsert", p.ID, func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return nil, d.Upsert(ctx, p)
		}}
	case 4:
		id := g.id()
		return operation{"Delete", id, func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return nil, d.Delete(ctx, id)
		}}
	case 5:
		id := g.id()
		return operation{"Get", id, func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return d.Get(ctx, id)
		}}
	case 6:
		f := g.filter(0)
		return operation{"FindOne", f.String(), func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return d.FindOne(ctx, f)
		}}
	case 7:
		f := g.filter(0)
		return operation{"Count", f.String(), func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return d.Count(ctx, f)
		}}
	}
	f := g.filter(0)
	var keys []dao.Sort
	for range g.r.IntN(4) {
		field := pick(g, fields...)
		if g.r.IntN(2) == 0 {
			keys = append(keys, dao.Asc(field))
		} else {
			keys = append(keys, dao.Desc(field))
		}
	}
	opts := []dao.FindOption{dao.OrderBy(keys...)}
	if g.r.IntN(3) == 0 {
		opts = append(opts, dao.Skip(int64(g.r.IntN(4))))
	}
	if g.r.IntN(3) == 0 {
		opts = append(opts, dao.Limit(int64(g.r.IntN(5))))
	}
	return operation{"Find", fmt.Sprintf("%s sort %v", f, keys), func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
		return dao.Collect(d.Find(ctx, f, opts...))
	}}
}
