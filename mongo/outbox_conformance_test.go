package mongo_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/outboxtest"
)

// mongoOutbox is the outbox harness of the MongoDB provider: every subtest
// gets a database of its own (so its relays share one lease collection, as
// the instances of one service do) and the broker it is given.
type mongoOutbox struct {
	db     *mongo.DB
	broker outboxtest.Broker
}

func newMongoOutbox(t *testing.T, b outboxtest.Broker) outboxtest.Harness {
	return &mongoOutbox{db: wrap(t, testDB(t)), broker: b}
}

func (h *mongoOutbox) Broker() outboxtest.Broker { return h.broker }

func (h *mongoOutbox) NewRelay(s events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	return mongo.NewRelay(h.db, s, opts...)
}

func (h *mongoOutbox) Docs(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Doc]) (outbox.DAO[outboxtest.Doc, string], error) {
	return mongo.NewOutboxDAO[outboxtest.Doc, string](context.Background(), h.db, coll, r, topic, opts...)
}

func (h *mongoOutbox) Items(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Item]) (outbox.DAO[outboxtest.Item, int64], error) {
	return mongo.NewOutboxDAO[outboxtest.Item, int64](context.Background(), h.db, coll, r, topic, opts...)
}

func (h *mongoOutbox) Tickets(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Ticket]) (outbox.DAO[outboxtest.Ticket, uuid.UUID], error) {
	return mongo.NewOutboxDAO[outboxtest.Ticket, uuid.UUID](context.Background(), h.db, coll, r, topic, opts...)
}

func (h *mongoOutbox) Publisher(r *outbox.Relay, store, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[outboxtest.Event], error) {
	return mongo.NewPersistentPublisher[outboxtest.Event](context.Background(), h.db, store, r, topic, opts...)
}

func (h *mongoOutbox) PlainDocs(coll string) (dao.DAO[outboxtest.Doc, string], error) {
	return mongo.NewDAO[outboxtest.Doc, string](context.Background(), h.db, coll)
}

// TestOutboxConformance runs the outbox conformance suite on FerretDB with
// three brokers: the in-memory one, kfake and the real Kafka.
func TestOutboxConformance(t *testing.T) {
	t.Run("memevents", func(t *testing.T) {
		outboxtest.Run(t, func(t *testing.T) outboxtest.Harness {
			return newMongoOutbox(t, outboxtest.NewMemBroker(t))
		})
	})
	t.Run("plain", func(t *testing.T) {
		outboxtest.RunPlainDocuments(t, func(t *testing.T) outboxtest.PlainHarness {
			return newMongoOutbox(t, outboxtest.NewMemBroker(t)).(*mongoOutbox)
		})
	})
	t.Run("kfake", func(t *testing.T) {
		b := kafkatest.NewFake(t)
		outboxtest.Run(t, func(t *testing.T) outboxtest.Harness { return newMongoOutbox(t, b) })
	})
	t.Run("kafka", func(t *testing.T) {
		b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
		outboxtest.Run(t, func(t *testing.T) outboxtest.Harness { return newMongoOutbox(t, b) })
	})
}
