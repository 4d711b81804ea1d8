package outboxtest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// Harness gives the suite one provider of the outbox protocol, through the
// constructors a service uses. [Run] builds a fresh harness for every
// subtest: everything a harness stores (collections, event stores, the
// relay lease) is seen by no other harness, and the suite uses collection,
// store and topic names unique to the subtest, so harnesses may share one
// database server and one broker.
//
// Within one harness, things with the same name are shared, as the
// instances of one service share a database: DAOs built with the same
// collection name see the same documents, publishers with the same store
// name the same stored events, and every relay takes turns on one lease
// (per lease name), so the suite can play several service instances. The
// lease names the suite gives (outbox.WithLeaseName) are unique to the
// subtest too; a harness whose relays share a lease store with other
// harnesses gives its relays a lease name of their own before the
// suite's options.
type Harness interface {
	// Broker returns the broker the suite sends through and reads back
	// from. The same broker for the whole subtest.
	Broker() Broker

	// NewRelay returns a relay built by the provider's relay constructor
	// with sender and opts. Relays of one harness share their lease (see
	// above); a relay's Run is stopped by the suite before the subtest
	// ends.
	NewRelay(sender events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error)

	// Docs returns an outbox DAO of Doc documents (string ids) over the
	// collection named collection, publishing to topic through relay,
	// built by the provider's DAO constructor with opts and returning its
	// error (for a nil relay too).
	Docs(relay *outbox.Relay, collection, topic string, opts ...dao.Option[Doc]) (outbox.DAO[Doc, string], error)
	// Items returns an outbox DAO of Item documents (int64 ids), as Docs.
	Items(relay *outbox.Relay, collection, topic string, opts ...dao.Option[Item]) (outbox.DAO[Item, int64], error)
	// Tickets returns an outbox DAO of Ticket documents (uuid.UUID ids),
	// as Docs.
	Tickets(relay *outbox.Relay, collection, topic string, opts ...dao.Option[Ticket]) (outbox.DAO[Ticket, uuid.UUID], error)

	// Publisher returns a persistent publisher of Event to topic that keeps
	// its events in the store named store, built by the provider's
	// constructor with relay and opts and returning its error (for a nil
	// relay too).
	Publisher(relay *outbox.Relay, store, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[Event], error)
}

// Broker is the message broker of a subtest: the in-memory one
// ([NewMemBroker]) or a real one (kafkatest.Broker implements it).
type Broker interface {
	// CreateTopic creates topic with the given number of partitions and
	// returns once senders can use it.
	CreateTopic(tb testing.TB, topic string, partitions int)
	// Sender returns a sender on the broker.
	Sender(tb testing.TB) events.Sender
	// Messages returns every message stored in topic, partition after
	// partition, each in the order of its log.
	Messages(tb testing.TB, topic string) []*events.Message
}

// Doc is the suite's main document type, with string ids and a version
// field for the versioned cases.
type Doc struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	N       int    `json:"n"`
	Version int64  `json:"version"`
}

// Item is the suite's document type with int64 ids.
type Item struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// Ticket is the suite's document type with uuid.UUID ids.
type Ticket struct {
	ID    uuid.UUID `json:"id"`
	Title string    `json:"title"`
}

// Event is the event type of the persistent publisher cases.
type Event struct {
	Seq  int    `json:"seq"`
	Text string `json:"text"`
}

// EventType returns "outboxtest_event".
func (Event) EventType() string { return "outboxtest_event" }

// Typed fields of the suite's documents, for DAO options and filters.
var (
	docName    = dao.MustField[Doc, string]("name")
	docN       = dao.MustField[Doc, int]("n")
	docVersion = dao.MustField[Doc, int64]("version")
)
