package memoutbox_test

import (
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
	"github.com/hexkit-go/hexkit/outbox/outboxtest"
)

// harness plays one database: collections and stores by name and one
// lease shared by its relays.
type harness struct {
	broker  *outboxtest.MemBroker
	lease   *memoutbox.Lease
	mu      sync.Mutex
	docs    map[string]*memoutbox.Collection[outboxtest.Doc]
	items   map[string]*memoutbox.Collection[outboxtest.Item]
	tickets map[string]*memoutbox.Collection[outboxtest.Ticket]
	stores  map[string]*memoutbox.EventStore
}

func newHarness(t *testing.T) outboxtest.Harness {
	return &harness{
		broker:  outboxtest.NewMemBroker(t),
		lease:   memoutbox.NewLease(),
		docs:    map[string]*memoutbox.Collection[outboxtest.Doc]{},
		items:   map[string]*memoutbox.Collection[outboxtest.Item]{},
		tickets: map[string]*memoutbox.Collection[outboxtest.Ticket]{},
		stores:  map[string]*memoutbox.EventStore{},
	}
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

func (h *harness) Broker() outboxtest.Broker { return h.broker }

func (h *harness) NewRelay(s events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	return memoutbox.NewRelayWithLease(s, h.lease, opts...)
}

func (h *harness) Docs(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Doc]) (outbox.DAO[outboxtest.Doc, string], error) {
	c := named(&h.mu, h.docs, coll, memoutbox.NewCollection[outboxtest.Doc])
	return memoutbox.NewWithCollection[outboxtest.Doc, string](c, r, topic, opts...)
}

func (h *harness) Items(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Item]) (outbox.DAO[outboxtest.Item, int64], error) {
	c := named(&h.mu, h.items, coll, memoutbox.NewCollection[outboxtest.Item])
	return memoutbox.NewWithCollection[outboxtest.Item, int64](c, r, topic, opts...)
}

func (h *harness) Tickets(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Ticket]) (outbox.DAO[outboxtest.Ticket, uuid.UUID], error) {
	c := named(&h.mu, h.tickets, coll, memoutbox.NewCollection[outboxtest.Ticket])
	return memoutbox.NewWithCollection[outboxtest.Ticket, uuid.UUID](c, r, topic, opts...)
}

func (h *harness) Publisher(r *outbox.Relay, store, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[outboxtest.Event], error) {
	s := named(&h.mu, h.stores, store, memoutbox.NewEventStore)
	return memoutbox.NewPersistentPublisher[outboxtest.Event](s, r, topic, opts...)
}

func TestConformance(t *testing.T) {
	outboxtest.Run(t, newHarness)
}
