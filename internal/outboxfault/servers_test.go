package outboxfault

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// target names the servers, database, collection and topic of a test;
// it travels to the writer process as JSON in an environment variable.
type target struct {
	MongoURI   string   `json:"mongo_uri"`
	Database   string   `json:"database"`
	Collection string   `json:"collection"`
	Brokers    []string `json:"brokers"`
	Topic      string   `json:"topic"`
}

// privateServers starts a FerretDB and an Apache Kafka of the test's own
// and creates the test's topic (three partitions). It returns the target
// and the broker, for tests that stop it.
func privateServers(ctx context.Context, t *testing.T) (target, *testenv.Private) {
	t.Helper()
	ks := testenv.StartPrivateKafka(t)
	ms := testenv.StartPrivateFerretDB(t)
	tg := target{MongoURI: ms.MongoURI(), Database: "outboxfault", Collection: "records",
		Brokers: []string{ks.Addr}, Topic: testenv.UniqueName(t, "outboxfault")}
	admin, err := kafka.Open(ctx, kafka.Config{Brokers: tg.Brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: tg.Topic, Partitions: 3}); err != nil {
		t.Fatal(err)
	}
	return tg, ks
}

// writer is an outbox DAO over the target's collection, with its relay
// (not running: call relay.Run).
type writer struct {
	db    *mongo.DB
	kc    *kafka.Client
	relay *outbox.Relay
	dao   outbox.DAO[record, string]
}

// open builds a writer whose relay logs to logger.
func open(ctx context.Context, tg target, logger *slog.Logger, opts ...outbox.RelayOption) (*writer, error) {
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(tg.MongoURI), Database: tg.Database, Timeout: 10 * time.Second})
	if err != nil {
		return nil, err
	}
	w := &writer{db: db}
	if w.kc, err = kafka.Open(ctx, kafka.Config{Brokers: tg.Brokers, ServiceName: "outboxfault"}); err != nil {
		return nil, errors.Join(err, w.close(ctx))
	}
	snd, err := kafka.NewSender(w.kc)
	if err != nil {
		return nil, errors.Join(err, w.close(ctx))
	}
	opts = append([]outbox.RelayOption{outbox.WithRelayLogger(logger)}, opts...)
	if w.relay, err = mongo.NewRelay(db, snd, opts...); err != nil {
		return nil, errors.Join(err, w.close(ctx))
	}
	if w.dao, err = mongo.NewOutboxDAO[record, string](ctx, db, tg.Collection, w.relay, tg.Topic); err != nil {
		return nil, errors.Join(err, w.close(ctx))
	}
	return w, nil
}

// testLogger is a logger of warnings and errors into t's log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tlog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (w *writer) close(ctx context.Context) error {
	var errs []error
	if w.kc != nil {
		errs = append(errs, w.kc.Close(ctx))
	}
	return errors.Join(append(errs, w.db.Close(ctx))...)
}

// drain publishes whatever is pending, waiting for the lease of a relay
// that died to run out, and returns how many changes it published.
func (w *writer) drain(ctx context.Context) (int, error) {
	for {
		n, err := w.relay.PublishPending(ctx)
		if !errors.Is(err, outbox.ErrLeaseHeld) {
			return n, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
