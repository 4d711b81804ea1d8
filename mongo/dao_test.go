package mongo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/mongo"
)

// testDB returns a fresh database on the real server, dropped at cleanup.
// The client is built by the test with default options, as a caller would.
func testDB(tb testing.TB) *driver.Database {
	tb.Helper()
	uri := testenv.MongoURI(tb)
	cl, err := driver.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	db := cl.Database(testenv.UniqueName(tb, "dao"))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
		_ = cl.Disconnect(ctx)
	})
	return db
}

func harness(db *mongo.DB) daotest.Harness {
	return daotest.Harness{
		People:   newDAO[daotest.Person, string](db),
		Counters: newDAO[daotest.Counter, int64](db),
		Tickets:  newDAO[daotest.Ticket, uuid.UUID](db),
	}
}

func newDAO[T any, ID comparable](db *mongo.DB) func(testing.TB, ...dao.Option[T]) (dao.DAO[T, ID], error) {
	return func(tb testing.TB, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return mongo.NewDAO[T, ID](ctx, db, testenv.UniqueName(tb, "c"), opts...)
	}
}

// wrap returns the hexkit DB of a driver database.
func wrap(tb testing.TB, db *driver.Database) *mongo.DB {
	tb.Helper()
	d, err := mongo.New(db)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestConformance(t *testing.T) {
	daotest.Run(t, harness(wrap(t, testDB(t))), daotest.Features{})
}

func TestNewDAOIsIdempotentAndErrorsReachTheDriver(t *testing.T) {
	raw := testDB(t)
	db := wrap(t, raw)
	ctx := t.Context()
	opts := []dao.Option[daotest.Person]{dao.WithUnique(personEmail), dao.WithUnique(personTenant, personName)}
	d1, err := mongo.NewDAO[daotest.Person, string](ctx, db, "people", opts...)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := mongo.NewDAO[daotest.Person, string](ctx, db, "people", opts...)
	if err != nil {
		t.Fatalf("a second NewDAO with the same indexes must succeed: %v", err)
	}
	var coll *driver.Collection
	if !d1.As(&coll) {
		t.Fatal("As(**mongo.Collection) = false")
	}
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range specs {
		names = append(names, s.Name)
	}
	if len(specs) != 3 {
		t.Errorf("indexes %v, want _id_ and the two unique indexes once each", names)
	}
	if err := d1.Insert(ctx, daotest.Person{ID: "a", Email: "x"}); err != nil {
		t.Fatal(err)
	}
	err = d2.Insert(ctx, daotest.Person{ID: "b", Email: "x"})
	var we driver.WriteException
	if !errors.Is(err, dao.ErrUniqueViolation) || !errors.As(err, &we) {
		t.Errorf("Insert of a taken email returned %v, want ErrUniqueViolation wrapping a mongo.WriteException", err)
	}
	err = d2.Insert(ctx, daotest.Person{ID: "a", Email: "y"})
	if !errors.Is(err, dao.ErrAlreadyExists) || !errors.As(err, &we) {
		t.Errorf("Insert of a taken id returned %v, want ErrAlreadyExists wrapping a mongo.WriteException", err)
	}

	other := raw.Collection("clash")
	if _, err := other.Indexes().CreateOne(ctx, driver.IndexModel{
		Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("hexkit_unique_email"),
	}); err != nil {
		t.Fatal(err)
	}
	_, err = mongo.NewDAO[daotest.Person, string](ctx, db, "clash", dao.WithUnique(personEmail))
	if !errors.Is(err, dao.ErrInvalidOption) {
		t.Errorf("NewDAO over a clashing index definition returned %v, want ErrInvalidOption", err)
	}
}

var (
	personEmail  = dao.MustField[daotest.Person, string]("email")
	personTenant = dao.MustField[daotest.Person, string]("tenant")
	personName   = dao.MustField[daotest.Person, string]("name")
	personVer    = dao.MustField[daotest.Person, int]("version")
)

// TestVersionOfADocumentWithoutOne checks that a stored document without
// the version field, as another program writes it, has version 0: it reads
// so, and Update and Upsert with version 0 replace it, while another
// version is ErrConflict, never a unique violation (there is no unique
// index).
func TestVersionOfADocumentWithoutOne(t *testing.T) {
	ctx := t.Context()
	d, err := mongo.NewDAO[daotest.Person, string](ctx, wrap(t, testDB(t)), "people", dao.WithVersionField(personVer))
	if err != nil {
		t.Fatal(err)
	}
	var coll *driver.Collection
	if !d.As(&coll) {
		t.Fatal("As(**mongo.Collection) = false")
	}
	for _, id := range []string{"a", "b", "c", "n"} {
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "name", Value: "raw"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "version", Value: nil}}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Get(ctx, "a")
	if err != nil || got.Version != 0 {
		t.Fatalf("Get of a document without a version = %+v, %v, want version 0", got, err)
	}
	for _, tc := range []struct {
		name  string
		write func() (int64, error)
		want  int64
		err   error
	}{
		{"Update with version 0", func() (int64, error) { return d.Update(ctx, daotest.Person{ID: "a"}) }, 1, nil},
		{"Upsert with version 0", func() (int64, error) { return d.Upsert(ctx, daotest.Person{ID: "b"}) }, 1, nil},
		{"Update of a null version with version 0", func() (int64, error) { return d.Update(ctx, daotest.Person{ID: "x"}) }, 1, nil},
		{"Update with version 1", func() (int64, error) { return d.Update(ctx, daotest.Person{ID: "c", Version: 1}) }, 0, dao.ErrConflict},
		{"Upsert with version 1", func() (int64, error) { return d.Upsert(ctx, daotest.Person{ID: "n", Version: 1}) }, 0, dao.ErrConflict},
	} {
		v, err := tc.write()
		if v != tc.want || !errors.Is(err, tc.err) || errors.Is(err, dao.ErrUniqueViolation) {
			t.Errorf("%s = %d, %v, want %d, %v", tc.name, v, err, tc.want, tc.err)
		}
	}
}

// nullDoc holds pointers to values stored as null.
type nullDoc struct {
	ID string           `json:"id"`
	PP **int            `json:"pp"`
	PS *[]int           `json:"ps"`
	PM *map[string]int  `json:"pm"`
	PB *[]byte          `json:"pb"`
	SP []**int          `json:"sp"`
	MP map[string]**int `json:"mp"`
	OK **int            `json:"ok"`
}

// TestPointersToNullReadAsNil checks that a pointer to a nil pointer, slice
// or map is stored as null and reads back as a nil pointer, on the server
// and in memory alike.
func TestPointersToNullReadAsNil(t *testing.T) {
	ctx := t.Context()
	real, err := mongo.NewDAO[nullDoc, string](ctx, wrap(t, testDB(t)), "nulls")
	if err != nil {
		t.Fatal(err)
	}
	fake, err := memdao.New[nullDoc, string]()
	if err != nil {
		t.Fatal(err)
	}
	var nilInt *int
	var nilInts []int
	var nilMap map[string]int
	var nilBytes []byte
	one := 1
	pOne := &one
	doc := nullDoc{ID: "a", PP: &nilInt, PS: &nilInts, PM: &nilMap, PB: &nilBytes,
		SP: []**int{&nilInt, &pOne}, MP: map[string]**int{"n": &nilInt}, OK: &pOne}
	want := nullDoc{ID: "a", SP: []**int{nil, &pOne}, MP: map[string]**int{"n": nil}, OK: &pOne}
	for name, d := range map[string]dao.DAO[nullDoc, string]{"mongo": real, "memdao": fake} {
		if err := d.Insert(ctx, doc); err != nil {
			t.Fatalf("%s: Insert: %v", name, err)
		}
		got, err := d.Get(ctx, "a")
		if err != nil {
			t.Fatalf("%s: Get: %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: pointers to null values read back (-want +got):\n%s", name, diff)
		}
	}
}

// TestCollectionNameCharacters checks the rule of the package's Collection
// names on the server: a name with any character but '$', '"' and NUL
// stores documents (FerretDB's SQLite backend quotes the table named after
// the collection as Go quotes a string), and a name with '"' is refused
// before the server is asked (there it failed with an SQL syntax error).
func TestCollectionNameCharacters(t *testing.T) {
	db := wrap(t, testDB(t))
	ctx := t.Context()
	var chars []string
	for c := rune(1); c < 128; c++ {
		if c != '$' && c != '"' {
			chars = append(chars, string(c))
		}
	}
	chars = append(chars, "\u00a0", "\u2028", "\ufeff", "İ", "😀")
	for _, c := range chars {
		name := "a" + c + "b"
		d, err := mongo.NewDAO[daotest.Person, string](ctx, db, name, dao.WithUnique(personEmail))
		if err != nil {
			t.Errorf("NewDAO(%q) = %v", name, err)
			continue
		}
		if err := d.Insert(ctx, daotest.Person{ID: "x", Email: "e"}); err != nil {
			t.Errorf("collection %q: Insert = %v", name, err)
		} else if got, err := d.Get(ctx, "x"); err != nil || got.Email != "e" {
			t.Errorf("collection %q: Get = %+v, %v", name, got, err)
		}
	}
	for _, name := range []string{`a"b`, `"`, `ab"`} {
		if _, err := mongo.NewDAO[daotest.Person, string](ctx, db, name); !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, dao.ErrInvalidOption) {
			t.Errorf("NewDAO(%q) = %v, want ErrInvalidConfig and dao.ErrInvalidOption", name, err)
		}
	}
}
