package wiring_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/wiring"
)

type svcConfig struct {
	wiring.Service
	wiring.Events
	wiring.DAO
	wiring.ObjStore
	Topic  string
	Bucket string
}

type note struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type noted struct {
	ID string `json:"id"`
}

func (noted) EventType() string { return "noted" }

// noteChanged is a note as an outbox DAO publishes it.
type noteChanged note

func (noteChanged) EventType() string { return outbox.ChangeEventType }

func load(t *testing.T, env ...string) svcConfig {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Load("wt", svcConfig{Service: wiring.DefaultService("wiring-test"), Topic: "notes", Bucket: "notes"},
		config.WithEnviron(env), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// exercise builds every protocol from cfg and uses each once.
func exercise(t *testing.T, cfg svcConfig) *wiring.Backends {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := wiring.Open(ctx, cfg.Service, wiring.WithEvents(cfg.Events), wiring.WithDAO(cfg.DAO), wiring.WithObjStore(cfg.ObjStore))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if err := b.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}

	notes, err := wiring.NewDAO[note, string](ctx, b.DB, "notes")
	if err != nil {
		t.Fatal(err)
	}
	if err := notes.Insert(ctx, note{ID: "n1", Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	if got, err := notes.Get(ctx, "n1"); err != nil || got.Text != "hello" {
		t.Fatalf("Get = %+v, %v", got, err)
	}

	if err := b.EnsureBucket(ctx, cfg.Bucket, true); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.Put(ctx, cfg.Bucket, "note-1", strings.NewReader("hello"), 5); err != nil {
		t.Fatal(err)
	}
	rc, err := b.Store.Get(ctx, cfg.Bucket, "note-1")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != "hello" {
		t.Fatalf("object = %q", data)
	}

	if err := b.Events.EnsureTopics(ctx, true, 1, cfg.Topic); err != nil {
		t.Fatal(err)
	}
	rec := eventstest.NewRecorder()
	sub, err := b.Events.NewSubscriber(cfg.ServiceName, rec, events.WithTopics(cfg.Topic))
	if err != nil {
		t.Fatal(err)
	}
	readier := sub.(interface{ Ready(context.Context) error })
	if err := readier.Ready(ctx); !errors.Is(err, wiring.ErrNotReady) {
		t.Errorf("Ready before Run = %v, want ErrNotReady", err)
	}
	eventstest.Start(t, sub)
	if err := wiring.WaitReady(ctx, readier); err != nil {
		t.Fatalf("the subscriber did not become ready: %v", err)
	}
	pub, err := wiring.NewPublisher[noted](b.Events, cfg.Topic)
	if err != nil {
		t.Fatal(err)
	}
	rec.Expect(t, sub, func() {
		if err := pub.Publish(ctx, "n1", noted{ID: "n1"}); err != nil {
			t.Fatal(err)
		}
	}, eventstest.Event("n1", noted{ID: "n1"}))

	// The outbox: a DAO that publishes its changes and a persistent
	// publisher, both published by the relay.
	snd, err := b.Events.NewSender()
	if err != nil {
		t.Fatal(err)
	}
	relay, err := wiring.NewRelay(b.DB, snd)
	if err != nil {
		t.Fatal(err)
	}
	onotes, err := wiring.NewOutboxDAO[note, string](ctx, b.DB, "outbox-notes", relay, cfg.Topic)
	if err != nil {
		t.Fatal(err)
	}
	persisted, err := wiring.NewPersistentPublisher[noted](ctx, b.DB, cfg.ServiceName+"PersistedEvents", relay, cfg.Topic)
	if err != nil {
		t.Fatal(err)
	}
	// Both backends refuse the collection names that MongoDB or FerretDB
	// refuse, with the same errors.
	for _, bad := range []string{"", ".lead", "a$b", "a\x00b", `my"docs`, "x\xff", "system.x", "_ferretdb_x", strings.Repeat("c", 236)} {
		_, err := wiring.NewDAO[note, string](ctx, b.DB, bad)
		if !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, dao.ErrInvalidOption) {
			t.Errorf("%s: NewDAO(%q) = %v, want mongo.ErrInvalidConfig and dao.ErrInvalidOption", b.DB.Backend(), bad, err)
		}
		_, err = wiring.NewOutboxDAO[note, string](ctx, b.DB, bad, relay, cfg.Topic)
		if !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, outbox.ErrInvalidOption) || !errors.Is(err, dao.ErrInvalidOption) {
			t.Errorf("%s: NewOutboxDAO(%q) = %v, want mongo.ErrInvalidConfig, outbox and dao ErrInvalidOption", b.DB.Backend(), bad, err)
		}
		_, err = wiring.NewPersistentPublisher[noted](ctx, b.DB, bad, relay, cfg.Topic)
		if !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, outbox.ErrInvalidOption) {
			t.Errorf("%s: NewPersistentPublisher(%q) = %v, want mongo.ErrInvalidConfig and outbox.ErrInvalidOption", b.DB.Backend(), bad, err)
		}
	}
	rec.Expect(t, sub, func() {
		if err := onotes.Insert(ctx, note{ID: "n2", Text: "kept"}); err != nil {
			t.Fatal(err)
		}
		if err := persisted.Publish(ctx, "n3", noted{ID: "n3"}); err != nil {
			t.Fatal(err)
		}
		if n, err := relay.PublishPending(ctx); err != nil || n != 2 {
			t.Fatalf("PublishPending = %d, %v; want 2", n, err)
		}
	}, eventstest.Event("n2", noteChanged{ID: "n2", Text: "kept"}), eventstest.Event("n3", noted{ID: "n3"}))
	return b
}

func TestMemory(t *testing.T) {
	b := exercise(t, load(t))
	if b.Events.Backend() != wiring.Memory || b.DB.Backend() != wiring.Memory {
		t.Errorf("backends %s %s, want memory", b.Events.Backend(), b.DB.Backend())
	}
}

// TestServers switches every protocol to its server by environment
// variables alone.
func TestServers(t *testing.T) {
	s3srv := testenv.S3Server(t)
	name := testenv.UniqueName(t, "wiring")
	cfg := load(t,
		"WT_SERVICE_NAME="+name,
		"WT_EVENTS_BACKEND=kafka", "WT_KAFKA_SERVERS="+strings.Join(testenv.KafkaBrokers(t), ","),
		"WT_DAO_BACKEND=mongo", "WT_MONGO_DSN="+testenv.MongoURI(t), "WT_DB_NAME="+name, "WT_MONGO_TIMEOUT=30",
		"WT_OBJSTORE_BACKEND=s3", "WT_S3_ENDPOINT_URL=http://"+s3srv.Endpoint, "WT_S3_ACCESS_KEY_ID="+s3srv.AccessKey,
		"WT_S3_SECRET_ACCESS_KEY="+s3srv.SecretKey, "WT_S3_REGION="+s3srv.Region, "WT_S3_PATH_STYLE=true",
		"WT_TOPIC="+name, "WT_BUCKET="+name,
	)
	b := exercise(t, cfg)
	if b.Events.Backend() != wiring.Kafka || b.DB.Backend() != wiring.Mongo {
		t.Errorf("backends %s %s, want kafka and mongo", b.Events.Backend(), b.DB.Backend())
	}
	ctx := context.Background()
	var client *kafka.Client
	var mdb *mongo.DB
	if !b.Events.As(&client) || !b.DB.As(&mdb) {
		t.Fatal("As does not reach the providers")
	}
	t.Cleanup(func() {
		var kc *kgo.Client
		client.As(&kc)
		adm := kadm.NewClient(kc)
		_, _ = adm.DeleteTopics(ctx, name)
		_, _ = adm.DeleteGroups(ctx, name)
		var db *driver.Database
		mdb.As(&db)
		_ = db.Drop(ctx)
		_ = b.Store.DeleteBucket(ctx, name, objstore.WithContent())
	})
}

func TestKafkaMissingTopic(t *testing.T) {
	cfg := load(t, "WT_EVENTS_BACKEND=kafka", "WT_KAFKA_SERVERS="+strings.Join(testenv.KafkaBrokers(t), ","))
	ctx := context.Background()
	br, err := wiring.OpenEvents(ctx, cfg.Service, cfg.Events)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close(ctx)
	missing := testenv.UniqueName(t, "missing")
	if err := br.EnsureTopics(ctx, false, 1, missing); !errors.Is(err, events.ErrTopicNotFound) {
		t.Errorf("EnsureTopics of a missing topic without create = %v, want ErrTopicNotFound", err)
	}
}

func TestValidation(t *testing.T) {
	dir := t.TempDir()
	env := []string{
		"WT_SERVICE_NAME=", "WT_EVENTS_BACKEND=rabbit", "WT_DAO_BACKEND=mongo", "WT_OBJSTORE_BACKEND=s3",
		"WT_S3_ENDPOINT_URL=ftp://x", "WT_S3_SECRET_ACCESS_KEY=hunter2",
	}
	_, err := config.Load("wt", svcConfig{}, config.WithEnviron(env), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	var e *config.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a *config.Error", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	want := "service_name events_backend mongo_dsn db_name s3_endpoint_url s3_access_key_id"
	if got := strings.Join(fields, " "); got != want {
		t.Errorf("fields %q, want %q\n%v", got, want, err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows a secret: %v", err)
	}

	env = []string{"WT_EVENTS_BACKEND=kafka", "WT_KAFKA_SECURITY_PROTOCOL=SASL_SSL", "WT_KAFKA_SSL_CERTFILE=c.pem", "WT_KAFKA_SSL_PASSWORD=x"}
	_, err = config.Load("wt", svcConfig{Service: wiring.DefaultService("x")}, config.WithEnviron(env), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	for _, f := range []string{"kafka_servers", "kafka_sasl_username", "kafka_ssl_certfile", "kafka_ssl_password"} {
		if err == nil || !strings.Contains(err.Error(), f+":") {
			t.Errorf("error does not name %s: %v", f, err)
		}
	}
}

func TestSecretsRedacted(t *testing.T) {
	cfg := load(t, "WT_MONGO_DSN=mongodb://u:pw-secret@h/", "WT_S3_SECRET_ACCESS_KEY=s3-secret", "WT_KAFKA_SASL_PASSWORD=k-secret")
	for _, f := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(f, cfg); strings.Contains(s, "secret") {
			t.Errorf("%s shows a secret: %s", f, s)
		}
	}
	kc := cfg.KafkaConfig(cfg.Service)
	if s := fmt.Sprintf("%+v", kc); strings.Contains(s, "k-secret") {
		t.Errorf("kafka config shows the password: %s", s)
	}
}

func TestS3Endpoint(t *testing.T) {
	for _, tc := range []struct {
		url, host string
		tls       bool
	}{{"http://h:1", "h:1", false}, {"https://h", "h", true}, {"h:2", "h:2", false}, {"http://h:3/", "h:3", false}} {
		c, err := wiring.ObjStore{S3EndpointURL: tc.url}.S3Config()
		if err != nil || c.Endpoint != tc.host || c.TLS != tc.tls {
			t.Errorf("%s: endpoint %q tls %v, %v; want %q %v", tc.url, c.Endpoint, c.TLS, err, tc.host, tc.tls)
		}
	}
	if _, err := (wiring.ObjStore{S3EndpointURL: "http://h/path"}).S3Config(); err == nil {
		t.Error("an endpoint with a path was accepted")
	}
}

// TestEventsValidateMatchesKafka: the settings kafka.Open refuses are
// refused by Events.Validate on every backend, so that a configuration
// that works on the memory broker works on Kafka; the values Kafka takes
// pass on both.
func TestEventsValidateMatchesKafka(t *testing.T) {
	maxInt := math.MaxInt
	sasl := func(e *wiring.Events) {
		e.KafkaSecurityProtocol, e.KafkaSASLUsername, e.KafkaSASLPassword = "SASL_PLAINTEXT", "u", hexkit.NewSecret("p")
	}
	for _, tc := range []struct {
		key    string
		set    func(*wiring.Events)
		byOpen bool // kafka.Open refuses it too
	}{
		{"kafka_max_message_size", func(e *wiring.Events) { e.KafkaMaxMessageSize = 1 }, true},
		{"kafka_max_message_size", func(e *wiring.Events) { e.KafkaMaxMessageSize = 511 }, true},
		{"kafka_max_message_size", func(e *wiring.Events) { e.KafkaMaxMessageSize = -1 }, true},
		{"kafka_compression_type", func(e *wiring.Events) { e.KafkaCompressionType = "bogus" }, true},
		{"kafka_sasl_mechanism", func(e *wiring.Events) { e.KafkaSASLMechanism = "BOGUS"; sasl(e) }, true},
		{"kafka_sasl_mechanism", func(e *wiring.Events) { e.KafkaSASLMechanism = "BOGUS" }, false},
		{"kafka_max_retries", func(e *wiring.Events) { e.KafkaMaxRetries = &maxInt }, false},
	} {
		for _, backend := range []string{wiring.Memory, wiring.Kafka} {
			e := wiring.Events{EventsBackend: backend, KafkaServers: []string{"127.0.0.1:1"}}
			tc.set(&e)
			if err := e.Validate(); err == nil || !strings.Contains(err.Error(), tc.key+":") {
				t.Errorf("%s %+v: Validate = %v, want an error naming %s", backend, e, err, tc.key)
			}
			if backend == wiring.Kafka && tc.byOpen {
				if _, err := kafka.Open(t.Context(), e.KafkaConfig(wiring.Service{ServiceName: "x"})); !errors.Is(err, kafka.ErrInvalidConfig) {
					t.Errorf("kafka.Open of %+v = %v, want kafka.ErrInvalidConfig", e, err)
				}
			}
		}
	}
	almost := math.MaxInt - 1
	for _, set := range []func(*wiring.Events){
		func(e *wiring.Events) { e.KafkaMaxMessageSize = 512 },
		func(e *wiring.Events) { e.KafkaCompressionType = "LZ4" },
		func(e *wiring.Events) { e.KafkaCompressionType = "none" },
		func(e *wiring.Events) { e.KafkaSASLMechanism = "scram-sha-512"; sasl(e) },
		func(e *wiring.Events) { e.KafkaMaxRetries = &almost },
	} {
		for _, backend := range []string{wiring.Memory, wiring.Kafka} {
			e := wiring.Events{EventsBackend: backend, KafkaServers: []string{"127.0.0.1:1"}}
			set(&e)
			if err := e.Validate(); err != nil {
				t.Errorf("%s %+v: Validate = %v, want nil", backend, e, err)
			}
		}
	}
	e := wiring.Events{KafkaMaxRetries: &almost}
	b, err := wiring.OpenEvents(t.Context(), wiring.Service{ServiceName: "x"}, e)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(t.Context())
	opts, err := e.FailureOptions(b)
	if err != nil {
		t.Fatal(err)
	}
	h := events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil })
	if _, err := events.NewFailureHandler(h, "x", opts...); err != nil {
		t.Errorf("NewFailureHandler with kafka_max_retries %d: %v", almost, err)
	}
}

// TestBrokerReadyAfterClose: on both backends a closed broker is not
// ready, with ErrNotReady and events.ErrClosed (the memory broker said
// nil, Kafka gave the client's error without ErrNotReady).
func TestBrokerReadyAfterClose(t *testing.T) {
	ctx := t.Context()
	for _, cfg := range []wiring.Events{{}, {EventsBackend: wiring.Kafka, KafkaServers: testenv.KafkaBrokers(t)}} {
		b, err := wiring.OpenEvents(ctx, wiring.Service{ServiceName: "ready"}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Ready(ctx); err != nil {
			t.Errorf("%s: Ready while open = %v", b.Backend(), err)
		}
		if err := b.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.Ready(ctx); !errors.Is(err, wiring.ErrNotReady) || !errors.Is(err, events.ErrClosed) {
			t.Errorf("%s: Ready after Close = %v, want ErrNotReady and events.ErrClosed", b.Backend(), err)
		}
	}
}
