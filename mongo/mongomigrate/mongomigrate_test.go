package mongomigrate

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
	"github.com/hexkit-go/hexkit/migrate/migratetest"
	"github.com/hexkit-go/hexkit/mongo"
)

// testDB returns a fresh database on the server from HEXKIT_MONGO_URI,
// dropped at cleanup.
func testDB(tb testing.TB) *mongo.DB {
	tb.Helper()
	cl, err := mongodriver.Connect(options.Client().ApplyURI(testenv.MongoURI(tb)).SetTimeout(30 * time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	mdb := cl.Database(testenv.UniqueName(tb, "migrate"))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = mdb.Drop(ctx)
		_ = cl.Disconnect(ctx)
	})
	db, err := mongo.New(mdb)
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	db := testDB(t)
	migratetest.Run(t, func(tb testing.TB) driver.Driver {
		d, err := newDriver(db, testenv.UniqueName(tb, "versions"))
		if err != nil {
			tb.Fatal(err)
		}
		return d
	})
}

func TestNewMigratorRefuses(t *testing.T) {
	db := testDB(t)
	for _, name := range []string{"a$b", `a"b`, ".lead", "x\xff", "_ferretdb_v", "system.v"} {
		if _, err := NewMigrator(db, name, 1, nil); !errors.Is(err, migrate.ErrInvalidCollection) {
			t.Errorf("collection %q: got %v, want ErrInvalidCollection", name, err)
		}
	}
	// Names at the edge of the rule work on the server.
	for _, name := range []string{"v.1", "\u00fcber", strings.Repeat("v", 120)} {
		m, err := NewMigrator(db, name, 1, nil)
		if err != nil {
			t.Fatalf("collection %q: %v", name, err)
		}
		if err := m.Migrate(context.Background()); err != nil {
			t.Errorf("Migrate with collection %q: %v", name, err)
		}
		if v, err := m.Version(context.Background()); err != nil || v != 1 {
			t.Errorf("Version with collection %q = %d, %v; want 1", name, v, err)
		}
	}
	if _, err := NewMigrator(nil, "versions", 1, nil); !errors.Is(err, ErrInvalidConfig) || !errors.Is(err, migrate.ErrInvalidOption) {
		t.Errorf("nil DB: got %v, want ErrInvalidConfig and migrate.ErrInvalidOption", err)
	}
	if _, err := NewMigrator(db, "versions", 2, nil); !errors.Is(err, migrate.ErrInvalidPlan) {
		t.Errorf("target 2 without steps: got %v, want ErrInvalidPlan", err)
	}
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	cl, err := mongodriver.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/").SetServerSelectionTimeout(300 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Disconnect(context.Background())
	db, err := mongo.New(cl.Database("nowhere"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMigrator(db, "versions", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Migrate(context.Background()); !errors.Is(err, migrate.ErrUnavailable) {
		t.Fatalf("Migrate: got %v, want ErrUnavailable", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Check(ctx); err != context.Canceled {
		t.Fatalf("Check with a cancelled context: got %v, want context.Canceled", err)
	}
}

// TestEveryErrorMatchesASentinel: a document of the version collection
// that is no record or lock wraps migrate.ErrCorrupt, a closed client
// migrate.ErrUnavailable; no error comes without a migrate sentinel.
func TestEveryErrorMatchesASentinel(t *testing.T) {
	db := testDB(t)
	var mdb *mongodriver.Database
	db.As(&mdb)
	ctx := t.Context()
	steps := []migrate.Step[*mongodriver.Database]{{Version: 2, Up: func(context.Context, *mongodriver.Database) error { return nil }}}
	for name, doc := range map[string]bson.D{
		"version":   {{Key: "version", Value: "two"}, {Key: "completed", Value: time.Now()}},
		"completed": {{Key: "version", Value: int32(1)}, {Key: "completed", Value: "yesterday"}},
		"lock":      {{Key: "_id", Value: int32(0)}, {Key: "lock_acquired", Value: true}, {Key: "acquired_at", Value: "now"}},
	} {
		coll := testenv.UniqueName(t, name)
		if _, err := mdb.Collection(coll).InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
		m, err := NewMigrator(db, coll, 2, steps, migrate.WithPollInterval(10*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if name != "lock" {
			if _, err := m.Version(ctx); !errors.Is(err, migrate.ErrCorrupt) {
				t.Errorf("%s: Version = %v, want ErrCorrupt", name, err)
			}
		}
		if err := m.Migrate(ctx); !errors.Is(err, migrate.ErrCorrupt) {
			t.Errorf("%s: Migrate = %v, want ErrCorrupt", name, err)
		}
	}
	cl, err := mongodriver.Connect(options.Client().ApplyURI(testenv.MongoURI(t)))
	if err != nil {
		t.Fatal(err)
	}
	closed, err := mongo.New(cl.Database(mdb.Name()))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMigrator(closed, "closed", 2, steps)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Version(ctx); !errors.Is(err, migrate.ErrUnavailable) {
		t.Errorf("closed client: Version = %v, want ErrUnavailable", err)
	}
}
