package outboxtest

import (
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
)

// NewMemHarness returns the harness of the in-memory provider (package
// memoutbox) on broker b: collections and event stores by name and one
// lease for its relays, as one database would hold them. memoutbox runs
// the suite with it on [NewMemBroker]; a broker's tests run it on their
// own [Broker] to check that relays publish through it as the protocol
// requires. The in-memory stores need no cleanup: t is not used.
func NewMemHarness(t *testing.T, b Broker) Harness {
	return &memHarness{
		broker:  b,
		lease:   memoutbox.NewLease(),
		docs:    map[string]*memoutbox.Collection[Doc]{},
		items:   map[string]*memoutbox.Collection[Item]{},
		tickets: map[string]*memoutbox.Collection[Ticket]{},
		stores:  map[string]*memoutbox.EventStore{},
	}
}

type memHarness struct {
	broker  Broker
	lease   *memoutbox.Lease
	mu      sync.Mutex
	docs    map[string]*memoutbox.Collection[Doc]
	items   map[string]*memoutbox.Collection[Item]
	tickets map[string]*memoutbox.Collection[Ticket]
	stores  map[string]*memoutbox.EventStore
}

// named returns the value of name in m, made by mk the first time.
func named[V any](mu *sync.Mutex, m map[string]V, name string, mk func() V) V {
	mu.Lock()
	defer mu.Unlock()
	v, ok := m[name]
	if !ok {
		v = mk()
		m[name] = v
	}
	return v
}

func (h *memHarness) Broker() Broker { return h.broker }

func (h *memHarness) NewRelay(s events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	return memoutbox.NewRelayWithLease(s, h.lease, opts...)
}

func (h *memHarness) Docs(r *outbox.Relay, coll, topic string, opts ...dao.Option[Doc]) (outbox.DAO[Doc, string], error) {
	return memoutbox.NewWithCollection[Doc, string](named(&h.mu, h.docs, coll, memoutbox.NewCollection[Doc]), r, topic, opts...)
}

func (h *memHarness) Items(r *outbox.Relay, coll, topic string, opts ...dao.Option[Item]) (outbox.DAO[Item, int64], error) {
	return memoutbox.NewWithCollection[Item, int64](named(&h.mu, h.items, coll, memoutbox.NewCollection[Item]), r, topic, opts...)
}

func (h *memHarness) Tickets(r *outbox.Relay, coll, topic string, opts ...dao.Option[Ticket]) (outbox.DAO[Ticket, uuid.UUID], error) {
	return memoutbox.NewWithCollection[Ticket, uuid.UUID](named(&h.mu, h.tickets, coll, memoutbox.NewCollection[Ticket]), r, topic, opts...)
}

func (h *memHarness) Publisher(r *outbox.Relay, store, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[Event], error) {
	return memoutbox.NewPersistentPublisher[Event](named(&h.mu, h.stores, store, memoutbox.NewEventStore), r, topic, opts...)
}
