package translators_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/s3"
)

// TestRecordsOnMongo checks the records translator's error mapping on the
// real MongoDB-compatible server, where versions are the server's business.
func TestRecordsOnMongo(t *testing.T) {
	ctx := context.Background()
	client, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(testenv.MongoURI(t)), Database: testenv.UniqueName(t, "fileregistry"), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		var db *driver.Database
		client.As(&db)
		if err := db.Drop(context.Background()); err != nil {
			t.Errorf("dropping the test database: %v", err)
		}
		client.Close(context.Background())
	})
	docs, err := mongo.NewDAO[translators.FileRecord, string](ctx, client, "files", translators.RecordOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	records := translators.NewRecords(docs)

	if _, err := records.Get(ctx, "missing"); !errors.Is(err, registry.ErrUnknownFile) || !errors.Is(err, dao.ErrNotFound) {
		t.Errorf("Get of a missing id = %v, want ErrUnknownFile and dao.ErrNotFound", err)
	}
	requested := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	f := registry.File{ID: "f1", Name: "a.txt", Size: 1, State: registry.Pending, RequestedAt: requested}
	if err := records.Insert(ctx, f); err != nil {
		t.Fatal(err)
	}
	confirmed := f
	confirmed.State, confirmed.ETag, confirmed.ConfirmedAt = registry.Available, "e", requested.Add(time.Minute)
	if err := records.Update(ctx, confirmed); err != nil {
		t.Fatal(err)
	}
	if err := records.Update(ctx, confirmed); !errors.Is(err, registry.ErrConflict) || !errors.Is(err, dao.ErrConflict) {
		t.Errorf("stale Update = %v, want ErrConflict and dao.ErrConflict", err)
	}
	got, err := records.Get(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	confirmed.Version = 1
	if diff := cmp.Diff(confirmed, got); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
}

// TestStorageOnS3 moves bytes through the storage translator's presigned
// URLs on the real S3 server.
func TestStorageOnS3(t *testing.T) {
	ctx := context.Background()
	store, bucket := s3Bucket(t)
	storage, err := translators.NewStorage(store, bucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Commit(ctx, "f-1", 5); !errors.Is(err, registry.ErrUploadMissing) || !errors.Is(err, objstore.ErrObjectNotFound) {
		t.Errorf("Commit before the upload = %v, want ErrUploadMissing and ErrObjectNotFound", err)
	}
	url, fields, err := storage.UploadForm(ctx, "f-1", 5, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	up := registry.Upload{FileID: "f-1", URL: url, Fields: fields, Size: 5}
	if status, err := upload(up, strings.NewReader("hello!"), 6); err == nil && status/100 == 2 {
		t.Errorf("upload of 6 bytes with a 5-byte form = %d, %v; want it refused", status, err)
	}
	uploadOK(t, up, "hell")
	if _, err := storage.Commit(ctx, "f-1", 5); !errors.Is(err, registry.ErrSizeMismatch) {
		t.Errorf("Commit of 4 bytes = %v, want ErrSizeMismatch", err)
	}
	uploadOK(t, up, "hello")
	etag, err := storage.Commit(ctx, "f-1", 5)
	if err != nil || etag != "5d41402abc4b2a76b9719d911017c592" {
		t.Errorf("Commit after the upload = %q, %v; want the MD5 of hello", etag, err)
	}
	if again, err := storage.Commit(ctx, "f-1", 5); err != nil || again != etag {
		t.Errorf("Commit again = %q, %v; want %s", again, err, etag)
	}
	get, err := storage.DownloadURL(ctx, "f-1", etag, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, got := httpGet(t, get); status != http.StatusOK || got != "hello" {
		t.Errorf("downloaded %d %q, want 200 hello", status, got)
	}
}

// TestAnnouncerOnKafka checks the event the announcer puts on the real
// broker (or the in-process one when no broker is configured).
func TestAnnouncerOnKafka(t *testing.T) {
	b := kafkatest.New(t)
	topic := b.Topic(t, "fileregistry", 1)
	pub, err := kafka.NewPublisher[translators.FileRegistered](b.Open(t, ""), topic)
	if err != nil {
		t.Fatal(err)
	}
	announcer := translators.NewAnnouncer(pub)
	f := registry.File{ID: "f1", Name: "a.txt", Size: 5, ETag: "e", State: registry.Available}
	b.ExpectEvents(t, topic, func() {
		if err := announcer.FileRegistered(context.Background(), f); err != nil {
			t.Fatal(err)
		}
	}, kafkatest.Event("f1", translators.FileRegistered{FileID: "f1", Name: "a.txt", Size: 5, ETag: "e"}))
}

// TestConfirmedFileIsImmutableOnS3: see checkConfirmedFileIsImmutable.
func TestConfirmedFileIsImmutableOnS3(t *testing.T) {
	store, bucket := s3Bucket(t)
	checkConfirmedFileIsImmutable(t, store, bucket)
}

// s3Bucket opens a store on the real S3 server and creates a bucket that
// the test's cleanup deletes with its content.
func s3Bucket(t *testing.T) (objstore.Store, string) {
	t.Helper()
	ctx := context.Background()
	srv := testenv.S3Server(t)
	store, err := s3.Open(ctx, s3.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey, SecretKey: hexkit.NewSecret(srv.SecretKey), PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	bucket := testenv.UniqueName(t, "fileregistry")
	if err := store.CreateBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := store.DeleteBucket(context.Background(), bucket, objstore.WithContent()); err != nil {
			t.Errorf("deleting the test bucket: %v", err)
		}
	})
	return store, bucket
}
