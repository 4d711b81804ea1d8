package inbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/redis"
	"github.com/hexkit-go/hexkit/s3"
)

// serverBackend lets time pass by sleeping: claims and records expire by
// the server's clock.
func serverBackend(store func(t *testing.T) kv.Store[string]) backend {
	return backend{store: store, pass: time.Sleep, claim: time.Second, retention: 2 * time.Second}
}

// openMongo opens a database of its own on the real server, dropped after
// the test.
func openMongo(t *testing.T) *mongo.DB {
	t.Helper()
	return openDatabase(t, testenv.MongoURI(t), testenv.UniqueName(t, "inbox"))
}

// openDatabase opens the named database at uri and drops it after the
// test.
func openDatabase(t *testing.T, uri, name string) *mongo.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(uri), Database: name, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var raw *driver.Database
		if db.As(&raw) {
			_ = raw.Drop(ctx)
		}
		_ = db.Close(ctx)
	})
	return db
}

func TestInboxMongoKV(t *testing.T) {
	t.Parallel()
	db := openMongo(t)
	runInboxSuite(t, serverBackend(func(t *testing.T) kv.Store[string] {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		st, err := mongo.NewKV[string](ctx, db, testenv.UniqueName(t, "kv"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}))
}

func TestInboxRedisKV(t *testing.T) {
	t.Parallel()
	srv := testenv.RedisServer(t)
	c, err := redis.Open(context.Background(), redis.Config{Addr: srv.Addr, Password: hexkit.NewSecret(srv.Password)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	runInboxSuite(t, serverBackend(func(t *testing.T) kv.Store[string] {
		prefix := testenv.UniqueName(t, "inbox") + ":"
		st, err := redis.NewKV[string](c, prefix)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx := context.Background()
			for e, err := range st.Scan(ctx, "") {
				if err == nil {
					_ = st.Delete(ctx, e.Key)
				}
			}
			_ = st.Close()
		})
		return st
	}))
}

func TestInboxS3KV(t *testing.T) {
	t.Parallel()
	srv := testenv.S3Server(t)
	cfg := s3.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey,
		SecretKey: hexkit.NewSecret(srv.SecretKey), PathStyle: true}
	ctx := context.Background()
	objects, err := s3.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	bucket := testenv.UniqueName(t, "inbox")
	if err := objects.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := objects.DeleteBucket(context.Background(), bucket, objstore.WithContent()); err != nil {
			t.Errorf("deleting the test bucket: %v", err)
		}
		_ = objects.Close()
	})
	n := 0
	runInboxSuite(t, serverBackend(func(t *testing.T) kv.Store[string] {
		n++
		st, err := s3.OpenKV[string](ctx, cfg, bucket, fmt.Sprintf("store%d/", n))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}))
}

func TestApplierMongo(t *testing.T) {
	t.Parallel()
	db := openMongo(t)
	runApplierSuite(t, func(t *testing.T, versioned bool) dao.DAO[Counter, string] {
		var opts []dao.Option[Counter]
		if versioned {
			opts = append(opts, dao.WithVersionField(counterVersion))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d, err := mongo.NewDAO[Counter, string](ctx, db, testenv.UniqueName(t, "c"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
