package interop

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/mongo/mongomigrate"
)

// TestPythonMigratedDatabaseContinuedByGo: a database migrated to version
// 2 by Python hexkit's MigrationManager is continued to version 3 by
// hexkit-go, which keeps Python's history; Python's check_db_version then
// accepts version 3, and Python's manager finds nothing to do.
func TestPythonMigratedDatabaseContinuedByGo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db, mdb, peer, coll := migrationDB(ctx, t)

	if err := peer.Migrate(ctx, 2); err != nil {
		t.Fatal(err)
	}
	steps := []migrate.Step[*mongodriver.Database]{
		{Version: 2, Up: func(context.Context, *mongodriver.Database) error {
			return errors.New("step 2 ran again in Go")
		}},
		{Version: 3, Up: func(ctx context.Context, db *mongodriver.Database) error {
			_, err := db.Collection("effects").InsertOne(ctx, bson.D{{Key: "step", Value: 3}, {Key: "by", Value: "go"}})
			return err
		}},
	}
	m, err := mongomigrate.NewMigrator(db, coll, 3, steps, migrate.WithPollInterval(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var ve *migrate.VersionError
	if err := m.Check(ctx); !errors.As(err, &ve) || ve.Database != 2 || ve.Service != 3 {
		t.Fatalf("Go's Check after Python's migration to 2: %v, want database 2, service 3", err)
	}

	// Python's lock (no lease) makes Go wait until Python deletes it.
	locks := mdb.Collection(coll)
	if _, err := locks.InsertOne(ctx, bson.D{{Key: "_id", Value: 0}, {Key: "lock_acquired", Value: true}, {Key: "acquired_at", Value: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(ctx, 500*time.Millisecond)
	err = m.Migrate(short)
	cancelShort()
	if err != context.DeadlineExceeded {
		t.Fatalf("Go migrating under Python's lock: %v, want to wait until the context ends", err)
	}
	if _, err := locks.DeleteOne(ctx, bson.D{{Key: "lock_acquired", Value: true}}); err != nil {
		t.Fatal(err)
	}

	if err := m.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := m.History(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var versions []int
	for _, r := range h {
		versions = append(versions, r.Version)
	}
	if !slices.Equal(versions, []int{1, 2, 3}) {
		t.Errorf("history versions %v, want [1 2 3] (Python's 1 and 2, then Go's 3)", versions)
	}

	// Go's record has exactly the fields of Python's records.
	raw, err := locks.FindOne(ctx, bson.D{{Key: "version", Value: 3}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	elems, err := raw.Elements()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range elems {
		keys = append(keys, e.Key())
	}
	if want := []string{"_id", "version", "completed", "backward", "total_duration_ms"}; !slices.Equal(keys, want) {
		t.Errorf("Go's version record has fields %v, want Python's %v", keys, want)
	}

	if msg, err := peer.Check(ctx, 3); err != nil || msg != "" {
		t.Errorf("Python's check_db_version(3): %q, %v; want accepted", msg, err)
	}
	if msg, err := peer.Check(ctx, 2); err != nil || msg != "Database version is 3, but the service expects version 2." {
		t.Errorf("Python's check_db_version(2): %q, %v; want a mismatch naming 3 and 2", msg, err)
	}
	if v, err := peer.Version(ctx); err != nil || v != 3 {
		t.Errorf("Python reads version %d (%v), want 3", v, err)
	}
	if err := peer.Migrate(ctx, 3); err != nil {
		t.Fatal(err)
	}
	cur, err := mdb.Collection("effects").Find(ctx, bson.D{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var effects []struct {
		Step int    `bson:"step"`
		By   string `bson:"by"`
	}
	if err := cur.All(ctx, &effects); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range effects {
		got = append(got, e.By+" "+string(rune('0'+e.Step)))
	}
	slices.Sort(got)
	if want := []string{"go 3", "python 2"}; !slices.Equal(got, want) {
		t.Errorf("steps ran %v, want %v (each once)", got, want)
	}
	if err := locks.FindOne(ctx, bson.D{{Key: "_id", Value: 0}}).Err(); !errors.Is(err, mongodriver.ErrNoDocuments) {
		t.Errorf("lock document after both migrated: %v, want none left behind", err)
	}
}

// TestGoLockMakesPythonWait: while hexkit-go migrates, Python hexkit's
// MigrationManager, started for the same target, waits for hexkit-go's
// lock and then finds the database migrated: no step runs twice.
func TestGoLockMakesPythonWait(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db, mdb, peer, coll := migrationDB(ctx, t)

	started, release := make(chan struct{}), make(chan struct{})
	effect := func(n int) func(context.Context, *mongodriver.Database) error {
		return func(ctx context.Context, db *mongodriver.Database) error {
			if n == 2 {
				close(started)
				<-release
			}
			_, err := db.Collection("effects").InsertOne(ctx, bson.D{{Key: "step", Value: n}, {Key: "by", Value: "go"}})
			return err
		}
	}
	m, err := mongomigrate.NewMigrator(db, coll, 3, []migrate.Step[*mongodriver.Database]{
		{Version: 2, Up: effect(2)}, {Version: 3, Up: effect(3)},
	}, migrate.WithLease(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	goDone := make(chan error, 1)
	go func() { goDone <- m.Migrate(ctx) }()
	<-started
	pyDone := make(chan error, 1)
	go func() { pyDone <- peer.Migrate(ctx, 3) }()
	select {
	case err := <-pyDone:
		t.Fatalf("Python's migration manager returned (%v) while hexkit-go held the lock", err)
	case <-time.After(2500 * time.Millisecond):
	}
	close(release)
	if err := <-goDone; err != nil {
		t.Fatal(err)
	}
	if err := <-pyDone; err != nil {
		t.Fatal(err)
	}
	n, err := mdb.Collection("effects").CountDocuments(ctx, bson.D{{Key: "by", Value: "python"}})
	if err != nil || n != 0 {
		t.Errorf("Python ran %d steps (%v), want none", n, err)
	}
	if msg, err := peer.Check(ctx, 3); err != nil || msg != "" {
		t.Errorf("Python's check_db_version(3): %q, %v; want accepted", msg, err)
	}
}

// migrationDB opens a database of the test's own on FerretDB, dropped at
// cleanup, and a Python hexkit peer migrating its version collection.
// openDatabase opens the database name on the server at uri and drops it
// when the test ends.
func openDatabase(ctx context.Context, t *testing.T, uri, name string) (*mongo.DB, *mongodriver.Database) {
	t.Helper()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(uri), Database: name})
	if err != nil {
		t.Fatal(err)
	}
	var raw *mongodriver.Database
	db.As(&raw)
	t.Cleanup(func() {
		_ = raw.Drop(context.Background())
		_ = db.Close(context.Background())
	})
	return db, raw
}

func migrationDB(ctx context.Context, t *testing.T) (*mongo.DB, *mongodriver.Database, *MigratePeer, string) {
	t.Helper()
	uri := testenv.MongoURI(t)
	python, err := EnsurePythonMongo(ctx)
	if err != nil {
		t.Fatalf("setting up Python hexkit: %v", err)
	}
	dbName, coll := testenv.UniqueName(t, "migrate"), "svcDbVersions"
	db, mdb := openDatabase(ctx, t, uri, dbName)
	peer, err := NewMigratePeer(python, t.TempDir(), uri, dbName, coll)
	if err != nil {
		t.Fatal(err)
	}
	return db, mdb, peer, coll
}
