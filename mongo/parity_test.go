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
		opts []dao.Option[daotest.Person]
	}{
		{"plain", nil},
		{"unique+versioned", []dao.Option[daotest.Person]{dao.WithUnique(personEmail), dao.WithUnique(personTenant, personName), dao.WithVersionField(personVer)}},
	} {
		t.Run(cfg.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := wrap(t, testDB(t))
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
		dao.ErrInvalidFilter, dao.ErrConflict, dao.ErrInvalidDocument, dao.ErrInvalidID} {
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

// pfield is a field the generator filters and sorts on, typed.
type pfield struct {
	filter func(g *gen, op int) dao.Filter[daotest.Person] // op: 0 Eq ... 5 Lte, 6 In, 7 Nin
	exists func(want bool) dao.Filter[daotest.Person]
	sort   func(desc bool) dao.Sort[daotest.Person]
}

// typed returns a field of value type V and the values the generator
// compares it with; a nil pointer among them is null.
func typed[V any](path string, vals ...V) pfield {
	f := dao.MustField[daotest.Person, V](path)
	return pfield{
		filter: func(g *gen, op int) dao.Filter[daotest.Person] {
			v := pick(g, vals...)
			if op >= 2 && op <= 5 && isNil(v) {
				op = 0
			}
			switch op {
			case 0:
				return f.Eq(v)
			case 1:
				return f.Ne(v)
			case 2:
				return f.Gt(v)
			case 3:
				return f.Gte(v)
			case 4:
				return f.Lt(v)
			case 5:
				return f.Lte(v)
			case 6:
				return f.In(v, pick(g, vals...))
			case 7:
				return f.Nin(v, pick(g, vals...))
			}
			return f.In()
		},
		exists: f.Exists,
		sort: func(desc bool) dao.Sort[daotest.Person] {
			if desc {
				return f.Desc()
			}
			return f.Asc()
		},
	}
}

func isNil(v any) bool {
	switch x := v.(type) {
	case *string:
		return x == nil
	case *int:
		return x == nil
	case *float64:
		return x == nil
	case *bool:
		return x == nil
	case []byte:
		return x == nil
	}
	return false
}

var (
	t1999  = time.Date(1999, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	t1950  = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	names  = []*string{ptr("Ann"), ptr("ann"), ptr("Bob"), ptr("Émile"), ptr(""), ptr("B"), nil}
	cities = []*string{ptr(""), ptr("x"), ptr("y"), ptr("Rome"), ptr("rome"), ptr("Nice"), ptr("z"), nil}
	fields = []pfield{
		typed("name", names...),
		typed("email", ptr("e1"), ptr("e7"), ptr("e14")),
		typed("tenant", ptr("t0"), ptr("t1"), ptr("t3")),
		typed("age", ptr(0), ptr(1), ptr(25), ptr(42), ptr(-3), nil),
		typed("score", ptr(0.0), ptr(1.5), ptr(-2.0), ptr(7.0), ptr(1e10), nil),
		typed("active", ptr(true), ptr(false), nil),
		typed("nick", cities...),
		typed("born", time.Time{}, t1999, t1950),
		typed("address.city", cities...),
		typed("address.zip", cities...),
		typed("address.street", cities...),
		typed("home.city", cities...),
		typed("id", "p0", "p3", "p11"),
		typed("avatar", []byte{1}, []byte{0, 1}, []byte{}, nil),
		typed("version", ptr(0), ptr(1), ptr(2)),
	}
	// onlyExists are fields that are not scalars: only Exists applies.
	onlyExists = []dao.Filter[daotest.Person]{
		dao.MustField[daotest.Person, *daotest.Address]("home").Exists(true),
		dao.MustField[daotest.Person, *daotest.Address]("home").Exists(false),
		dao.MustField[daotest.Person, []string]("tags").Exists(true),
		dao.MustField[daotest.Person, []string]("tags").Exists(false),
		dao.MustField[daotest.Person, map[string]string]("attrs").Exists(true),
		dao.MustField[daotest.Person, map[string]string]("attrs").Exists(false),
	}
)

func (g *gen) filter(depth int) dao.Filter[daotest.Person] {
	n := g.r.IntN(14)
	if depth > 1 && n >= 11 {
		n = g.r.IntN(11)
	}
	f := pick(g, fields...)
	switch {
	case n <= 7:
		return f.filter(g, n)
	case n == 8:
		if g.r.IntN(4) == 0 {
			return pick(g, onlyExists...)
		}
		return f.exists(g.r.IntN(2) == 0)
	case n == 9:
		return dao.All[daotest.Person]()
	case n == 10:
		return f.filter(g, 8)
	case n == 11:
		return dao.And(g.filter(depth+1), g.filter(depth+1))
	case n == 12:
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
			return d.Update(ctx, p)
		}}
	case 3:
		p := g.person()
		return operation{"Upsert", p.ID, func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
			return d.Upsert(ctx, p)
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
	var keys []dao.Sort[daotest.Person]
	for range g.r.IntN(4) {
		keys = append(keys, pick(g, fields...).sort(g.r.IntN(2) == 0))
	}
	opts := []dao.FindOption[daotest.Person]{dao.OrderBy(keys...)}
	if g.r.IntN(3) == 0 {
		opts = append(opts, dao.Skip[daotest.Person](int64(g.r.IntN(4))))
	}
	if g.r.IntN(3) == 0 {
		opts = append(opts, dao.Limit[daotest.Person](int64(g.r.IntN(5))))
	}
	return operation{"Find", fmt.Sprintf("%s sort %v", f, keys), func(ctx context.Context, d dao.DAO[daotest.Person, string]) (any, error) {
		return dao.Collect(d.Find(ctx, f, opts...))
	}}
}
