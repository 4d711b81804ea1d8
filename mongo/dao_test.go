package mongo_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
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

func harness(db *driver.Database) daotest.Harness {
	return daotest.Harness{
		People:   newDAO[daotest.Person, string](db),
		Counters: newDAO[daotest.Counter, int64](db),
		Tickets:  newDAO[daotest.Ticket, uuid.UUID](db),
	}
}

func newDAO[T any, ID comparable](db *driver.Database) func(testing.TB, ...dao.Option) (dao.DAO[T, ID], error) {
	return func(tb testing.TB, opts ...dao.Option) (dao.DAO[T, ID], error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d, err := mongo.NewDAO[T, ID](ctx, db, testenv.UniqueName(tb, "c"), opts...)
		if err != nil {
			return nil, err
		}
		return d, nil
	}
}

func TestConformance(t *testing.T) {
	daotest.Run(t, harness(testDB(t)), daotest.Features{})
}
