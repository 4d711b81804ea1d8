package mongomigrate

import (
	"context"
	"testing"
	"time"

	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/internal/testenv"
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
