package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/fileregistry/httpapi"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/s3"
)

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// demoLines are the lines the demo prints, as patterns; %ID% stands for the
// file id and %ETAG% for the ETag.
var demoLines = []string{
	`fileregistry demo on events=\w+ dao=\w+ objstore=\w+ \(bucket [a-z0-9-]+, topic [\w-]+\)`,
	`1\. POST /files \{"name":"hello\.txt","size":87\} -> 201: file %ID%, upload form http://127\.0\.0\.1:\d+/[a-z0-9-]+/? key upload\.%ID%`,
	`2\. POST /files/%ID%/confirm before the upload -> 409: registry: upload missing`,
	`3\. POST 87 bytes with the presigned upload form -> 204`,
	`4\. POST /files/%ID%/confirm -> 200: available, 87 bytes, etag %ETAG%`,
	`5\. announced on [\w-]+: file_registered key %ID% \{"file_id":"%ID%","name":"hello\.txt","size":87,"etag":"%ETAG%"\} \(correlation id of the confirm request\)`,
	`6\. GET /files/%ID%/download -> 307 to http://127\.0\.0\.1:\d+/[a-z0-9-]+/file\.%ID%\.%ETAG%\?\.\.\.; GET it -> 200: 87 bytes, the content matches`,
	`7\. POST /files/%ID%/confirm again -> 409: registry: upload already confirmed`,
}

// checkDemoOutput matches the demo's output line by line and returns the
// file id it registered.
func checkDemoOutput(t *testing.T, out string) string {
	t.Helper()
	id := regexp.MustCompile(`file ([0-9a-f-]{36})`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no file id in the demo output:\n%s", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(demoLines) {
		t.Fatalf("demo printed %d lines, want %d:\n%s", len(lines), len(demoLines), out)
	}
	etag := regexp.QuoteMeta(demoETag)
	for i, pattern := range demoLines {
		pattern = strings.NewReplacer("%ID%", id[1], "%ETAG%", etag).Replace(pattern)
		if !regexp.MustCompile("^" + pattern + "$").MatchString(lines[i]) {
			t.Errorf("demo line %d:\n%s\ndoes not match\n%s", i+1, lines[i], pattern)
		}
	}
	return id[1]
}

// demoETag is the MD5 of the demo's content, the ETag every backend gives it.
const demoETag = "4f1f0458b51291060c06cd00e5ea505b"

func TestRunMemoryDemo(t *testing.T) {
	cfg, err := loadEnv(t, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, &out, quietLogger()); err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out.String())
	}
	checkDemoOutput(t, out.String())
}

// TestRunServersDemo runs the demo on MongoDB (FerretDB), S3 (versitygw)
// and Apache Kafka, then checks what it left on each server: the record,
// the object and the event.
func TestRunServersDemo(t *testing.T) {
	ctx := context.Background()
	cfg, broker, store, client := serversConfig(t, "FILEREGISTRY_SETUP=true")
	rec := broker.Record(t, cfg.Topic)

	var out bytes.Buffer
	runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := Run(runCtx, cfg, &out, quietLogger()); err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, out.String())
	}
	id := checkDemoOutput(t, out.String())

	records, err := mongo.NewDAO[translators.FileRecord, string](ctx, client, cfg.Collection, translators.RecordOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := records.Get(ctx, id)
	if err != nil {
		t.Fatalf("the file's record in MongoDB: %v", err)
	}
	if doc.State != "available" || doc.Size != 87 || doc.ETag != demoETag || doc.Version != 1 || doc.ConfirmedAt == nil {
		t.Errorf("record in MongoDB = %+v", doc)
	}
	info, err := store.Stat(ctx, cfg.Bucket, "file."+id+"."+demoETag)
	if err != nil {
		t.Fatalf("the file's object in S3: %v", err)
	}
	if ok, err := store.ObjectExists(ctx, cfg.Bucket, "upload."+id); ok || err != nil {
		t.Errorf("the staged upload after the confirmation: exists %t, %v; want it deleted", ok, err)
	}
	if info.Size != 87 || info.ETag != demoETag {
		t.Errorf("object in S3 has size %d etag %s", info.Size, info.ETag)
	}
	msgs := rec.Records(t)
	if len(msgs) != 1 {
		t.Fatalf("%d records on the topic, want 1", len(msgs))
	}
	m := msgs[0].Message
	want := `{"file_id":"` + id + `","name":"hello.txt","size":87,"etag":"` + demoETag + `"}`
	if m.Type != "file_registered" || m.Key != id || string(m.Payload) != want || hexkit.ValidateCorrelationID(m.CorrelationID) != nil {
		t.Errorf("event: type %s key %s correlation %s payload %s; want file_registered %s, a valid correlation id, %s",
			m.Type, m.Key, m.CorrelationID, m.Payload, id, want)
	}
}

// serversConfig loads a configuration of MongoDB, S3 and Kafka from
// environment variables alone, as a deployment would set them, with a
// topic, bucket and database of the test's own, and returns clients to
// check and clean them up. The topic exists; the bucket and database do
// not.
func serversConfig(t *testing.T, env ...string) (Config, *kafkatest.Broker, objstore.Store, *mongo.DB) {
	t.Helper()
	broker := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	s3srv := testenv.S3Server(t)
	cfg, err := loadEnv(t, "", append([]string{
		"FILEREGISTRY_SERVICE_NAME=" + testenv.UniqueName(t, "fileregistry"),
		"FILEREGISTRY_EVENTS_BACKEND=kafka", "FILEREGISTRY_KAFKA_SERVERS=" + strings.Join(broker.Addrs(), ","),
		"FILEREGISTRY_DAO_BACKEND=mongo", "FILEREGISTRY_MONGO_DSN=" + testenv.MongoURI(t),
		"FILEREGISTRY_DB_NAME=" + testenv.UniqueName(t, "fileregistry"),
		"FILEREGISTRY_OBJSTORE_BACKEND=s3", "FILEREGISTRY_S3_ENDPOINT_URL=http://" + s3srv.Endpoint,
		"FILEREGISTRY_S3_ACCESS_KEY_ID=" + s3srv.AccessKey, "FILEREGISTRY_S3_SECRET_ACCESS_KEY=" + s3srv.SecretKey,
		"FILEREGISTRY_S3_REGION=" + s3srv.Region, "FILEREGISTRY_S3_PATH_STYLE=true",
		"FILEREGISTRY_TOPIC=" + broker.Topic(t, "fileregistry", 3), "FILEREGISTRY_BUCKET=" + testenv.UniqueName(t, "fileregistry"),
		"FILEREGISTRY_MAX_SIZE=1048576", "FILEREGISTRY_DEMO=true", "FILEREGISTRY_DEMO_TIMEOUT=90s",
	}, env...)...)
	if err != nil {
		t.Fatal(err)
	}
	s3cfg, err := cfg.S3Config()
	if err != nil {
		t.Fatal(err)
	}
	store, err := s3.Open(context.Background(), s3cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	client, err := mongo.Open(t.Context(), mongo.Config{URI: cfg.MongoDSN, Database: cfg.DBName, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if err := store.DeleteBucket(ctx, cfg.Bucket, objstore.WithContent()); err != nil && !errors.Is(err, objstore.ErrBucketNotFound) {
			t.Errorf("deleting bucket %s: %v", cfg.Bucket, err)
		}
		var db *driver.Database
		client.As(&db)
		if err := db.Drop(ctx); err != nil {
			t.Errorf("dropping database %s: %v", cfg.DBName, err)
		}
		client.Close(ctx)
		// The demo's listener leaves a consumer group behind.
		if _, err := kadm.NewClient(broker.Client()).DeleteGroups(ctx, cfg.ServiceName+"-demo"); err != nil {
			t.Logf("deleting the demo's consumer group: %v", err)
		}
	})
	return cfg, broker, store, client
}

// TestServersNeedBucketAndTopic checks that without -setup a missing bucket
// or topic stops the service at start with a clear message, rather than
// failing later in a client's hands.
func TestServersNeedBucketAndTopic(t *testing.T) {
	cfg, _, store, _ := serversConfig(t)
	ctx := context.Background()
	err := Run(ctx, cfg, io.Discard, quietLogger())
	if err == nil || !strings.Contains(err.Error(), "bucket "+cfg.Bucket+" does not exist") {
		t.Errorf("Run without the bucket = %v, want it to say the bucket does not exist", err)
	}
	if err := store.CreateBucket(ctx, cfg.Bucket); err != nil {
		t.Fatal(err)
	}
	cfg.Topic = testenv.UniqueName(t, "fileregistry-missing")
	err = Run(ctx, cfg, io.Discard, quietLogger())
	if err == nil || !strings.Contains(err.Error(), "topic "+cfg.Topic+" does not exist") {
		t.Errorf("Run without the topic = %v, want it to say the topic does not exist", err)
	}
}

// apiCatcher is a slog handler that hands on the API address Run logs.
type apiCatcher struct{ addr chan string }

func (c apiCatcher) Enabled(context.Context, slog.Level) bool { return true }
func (c apiCatcher) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c apiCatcher) WithGroup(string) slog.Handler            { return c }
func (c apiCatcher) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "api" {
			c.addr <- a.Value.String()
			return false
		}
		return true
	})
	return nil
}

// TestServeMemory runs the service as a server on the memory backend,
// registers a file through its API like a client would, and stops it.
func TestServeMemory(t *testing.T) {
	cfg, err := loadEnv(t, "", "FILEREGISTRY_DEMO=false", "FILEREGISTRY_LISTEN=127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	catcher := apiCatcher{addr: make(chan string, 1)}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, io.Discard, slog.New(catcher)) }()
	var api string
	select {
	case api = <-catcher.addr:
	case err := <-done:
		t.Fatalf("Run returned before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the API did not start within 30s")
	}

	var ticket httpapi.Ticket
	call := func(method, url, body string, want int) []byte {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if url == ticket.UploadURL { // the upload form
			form, contentType := ticket.UploadBody([]byte(body))
			req, err = http.NewRequest(method, url, bytes.NewReader(form))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %s %s, want %d", method, url, resp.Status, data, want)
		}
		return data
	}
	if err := json.Unmarshal(call("POST", api+"/files", `{"name":"big.bin","size":3}`, 201), &ticket); err != nil {
		t.Fatal(err)
	}
	call("POST", ticket.UploadURL, "abcd", 400) // 4 bytes, 3 declared: EntityTooLarge
	call("POST", api+"/files/"+ticket.FileID+"/confirm", "", 409)
	call("POST", ticket.UploadURL, "ab", 204)
	call("POST", api+"/files/"+ticket.FileID+"/confirm", "", 409) // 2 bytes, 3 declared
	call("POST", ticket.UploadURL, "abc", 204)
	call("POST", api+"/files/"+ticket.FileID+"/confirm", "", 200)
	call("POST", ticket.UploadURL, "xyz", 204) // staged, never served
	call("POST", api+"/files/"+ticket.FileID+"/confirm", "", 409)
	if got := string(call("GET", api+"/files/"+ticket.FileID+"/download", "", 200)); got != "abc" {
		t.Errorf("download through the redirect = %q, want abc", got)
	}
	call("GET", api+"/files/unknown", "", 404)
	call("POST", api+"/files", `{"name":"huge.bin","size":1000000000000}`, 400)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30s of cancellation")
	}
}
