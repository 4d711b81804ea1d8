package interop

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/redis"
	"github.com/hexkit-go/hexkit/s3"
)

// kvDoc is the JSON value both sides write.
type kvDoc struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Tags  []string `json:"tags"`
	Ratio float64  `json:"ratio"`
	Ok    bool     `json:"ok"`
}

// kvBackend opens Go stores on one backend and tells the Python peer how
// to reach the same namespace.
type kvBackend struct {
	name    string
	env     map[string]string
	bytes   kv.Store[[]byte]
	strings kv.Store[string]
	docs    kv.Store[kvDoc]
}

func redisBackend(t *testing.T) kvBackend {
	srv := testenv.RedisServer(t)
	c, err := redis.Open(context.Background(), redis.Config{Addr: srv.Addr, Password: hexkit.NewSecret(srv.Password)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	prefix := testenv.UniqueName(t, "kv") + ":"
	b := kvBackend{name: "redis", env: map[string]string{
		"PEER_REDIS_URL": fmt.Sprintf("redis://:%s@%s/0", srv.Password, srv.Addr), "PEER_PREFIX": prefix,
	}}
	b.bytes, _ = redis.NewKV[[]byte](c, prefix)
	b.strings, _ = redis.NewKV[string](c, prefix)
	b.docs, _ = redis.NewKV[kvDoc](c, prefix)
	return b
}

func s3Backend(t *testing.T) kvBackend {
	srv := testenv.S3Server(t)
	cl, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
		Region: srv.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	bucket := testenv.UniqueName(t, "kv")
	ctx := context.Background()
	if err := cl.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for o := range cl.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			_ = cl.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{})
		}
		_ = cl.RemoveBucket(ctx, bucket)
	})
	b := kvBackend{name: "s3", env: map[string]string{
		"PEER_S3_ENDPOINT": "http://" + srv.Endpoint, "PEER_S3_ACCESS_KEY": srv.AccessKey,
		"PEER_S3_SECRET_KEY": srv.SecretKey, "PEER_S3_BUCKET": bucket, "AWS_DEFAULT_REGION": srv.Region,
	}}
	b.bytes, _ = s3.NewKV[[]byte](cl, bucket, "")
	b.strings, _ = s3.NewKV[string](cl, bucket, "")
	b.docs, _ = s3.NewKV[kvDoc](cl, bucket, "")
	return b
}

func mongoBackend(t *testing.T) kvBackend {
	uri := testenv.MongoURI(t)
	cl, err := mongodriver.Connect(options.Client().ApplyURI(uri).SetTimeout(30 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	name := testenv.UniqueName(t, "kv")
	db := cl.Database(name)
	t.Cleanup(func() {
		_ = db.Drop(context.Background())
		_ = cl.Disconnect(context.Background())
	})
	hdb, err := mongo.New(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := kvBackend{name: "mongodb", env: map[string]string{
		"PEER_MONGO_URI": uri, "PEER_MONGO_DB": name, "PEER_MONGO_COLLECTION": mongo.DefaultKVCollection,
	}}
	// Each value kind in its own collection, as Python hexkit keeps them.
	b.bytes, _ = mongo.NewKV[[]byte](ctx, hdb, "kv_bytes")
	b.strings, _ = mongo.NewKV[string](ctx, hdb, "kv_str")
	b.docs, _ = mongo.NewKV[kvDoc](ctx, hdb, "kv_json")
	return b
}

// TestKVStoresSharedWithPython: for every backend and value kind, a value
// Go writes is what Python hexkit reads, and the reverse.
func TestKVStoresSharedWithPython(t *testing.T) {
	backends := []func(*testing.T) kvBackend{redisBackend, s3Backend, mongoBackend}
	for _, open := range backends {
		b := open(t)
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			python, err := EnsurePythonKV(ctx)
			if err != nil {
				t.Fatalf("setting up Python hexkit: %v", err)
			}
			collections := map[string]string{"bytes": "kv_bytes", "str": "kv_str", "json": "kv_json"}
			peer := func(kind string) *KVPeer {
				env := map[string]string{}
				for k, v := range b.env {
					env[k] = v
				}
				if b.name == "mongodb" {
					env["PEER_MONGO_COLLECTION"] = collections[kind]
				}
				p, err := NewKVPeer(python, t.TempDir(), env)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}

			raw := []byte{0, 1, 2, 0xfe, 0xff, 'x'}
			text := "héllo wörld 世界"
			doc := kvDoc{Name: "ada", Count: 3, Tags: []string{"a", "b"}, Ratio: 0.25, Ok: true}

			// Go writes, Python reads.
			if _, err := b.bytes.Set(ctx, "go/bytes", raw); err != nil {
				t.Fatal(err)
			}
			if _, err := b.strings.Set(ctx, "go/str", text); err != nil {
				t.Fatal(err)
			}
			if _, err := b.docs.Set(ctx, "go/json", doc); err != nil {
				t.Fatal(err)
			}
			check := func(kind, key string, want any) {
				t.Helper()
				found, got, err := peer(kind).Get(ctx, b.name, kind, key)
				if err != nil {
					t.Fatal(err)
				}
				if !found {
					t.Fatalf("Python found no %s value under %q", kind, key)
				}
				var v any
				if err := json.Unmarshal(got, &v); err != nil {
					t.Fatal(err)
				}
				var w any
				wb, _ := json.Marshal(want)
				_ = json.Unmarshal(wb, &w)
				if !reflect.DeepEqual(v, w) {
					t.Fatalf("Python read %s %s, want %s", kind, got, wb)
				}
			}
			check("bytes", "go/bytes", hex.EncodeToString(raw))
			check("str", "go/str", text)
			check("json", "go/json", doc)

			// Python writes, Go reads.
			docJSON, _ := json.Marshal(doc)
			for kind, value := range map[string]string{"bytes": hex.EncodeToString(raw), "str": text, "json": string(docJSON)} {
				if err := peer(kind).Set(ctx, b.name, kind, "py/"+kind, value); err != nil {
					t.Fatal(err)
				}
			}
			gotBytes, err := b.bytes.Get(ctx, "py/bytes")
			if err != nil || string(gotBytes) != string(raw) {
				t.Fatalf("Go read bytes %x, %v; want %x", gotBytes, err, raw)
			}
			gotText, err := b.strings.Get(ctx, "py/str")
			if err != nil || gotText != text {
				t.Fatalf("Go read string %q, %v; want %q", gotText, err, text)
			}
			gotDoc, err := b.docs.Get(ctx, "py/json")
			if err != nil || !reflect.DeepEqual(gotDoc, doc) {
				t.Fatalf("Go read document %+v, %v; want %+v", gotDoc, err, doc)
			}
			// A value Python wrote has a version Go can compare-and-set on.
			e, err := b.docs.GetEntry(ctx, "py/json")
			if err != nil {
				t.Fatal(err)
			}
			doc2 := doc
			doc2.Count++
			if _, err := b.docs.Set(ctx, "py/json", doc2, kv.IfVersion(e.Version)); err != nil {
				t.Fatalf("compare-and-set on a value Python wrote: %v", err)
			}
			check("json", "py/json", doc2)
		})
	}
}
