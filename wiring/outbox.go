package wiring

import (
	"context"
	"fmt"
	"sync"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
)

// memStores holds the in-memory event stores of persistent publishers by
// collection name, so publishers naming one collection share its store, as
// they share a MongoDB collection.
type memStores struct {
	mu     sync.Mutex
	stores map[string]*memoutbox.EventStore
}

func (m *memStores) get(name string) *memoutbox.EventStore {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stores == nil {
		m.stores = map[string]*memoutbox.EventStore{}
	}
	s, ok := m.stores[name]
	if !ok {
		s = memoutbox.NewEventStore()
		m.stores[name] = s
	}
	return s
}

// NewRelay returns the service's outbox relay publishing through sender
// (from Broker.NewSender): on MongoDB its lease lives in the database
// (mongo.NewRelay), so the relays of all instances take turns; on memory
// the relay has a lease of its own (memoutbox.NewRelay). Run it for the
// life of the service (it is a runner.Component: Runner.Add).
func NewRelay(db *DB, sender events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	if db.mongo != nil {
		return mongo.NewRelay(db.mongo, sender, opts...)
	}
	return memoutbox.NewRelay(sender, opts...)
}

// NewOutboxDAO returns the outbox DAO of T documents in collection,
// publishing its changes to topic through relay: a MongoDB collection, or a
// new, empty in-memory one (each call its own), as [NewDAO]; an invalid
// collection name fails on both backends with an error wrapping
// mongo.ErrInvalidConfig, outbox.ErrInvalidOption and dao.ErrInvalidOption.
func NewOutboxDAO[T any, ID comparable](ctx context.Context, db *DB, collection string, relay *outbox.Relay, topic string, opts ...dao.Option[T]) (outbox.DAO[T, ID], error) {
	if db.mongo != nil {
		return mongo.NewOutboxDAO[T, ID](ctx, db.mongo, collection, relay, topic, opts...)
	}
	if err := checkCollection(collection, outbox.ErrInvalidOption); err != nil {
		return nil, fmt.Errorf("%w (%w)", err, dao.ErrInvalidOption)
	}
	return memoutbox.New[T, ID](relay, topic, opts...)
}

// NewPersistentPublisher returns a persistent publisher of E events to
// topic keeping its events in collection (Python hexkit names it
// "<service_name>PersistedEvents"): a MongoDB collection, or an in-memory
// store shared by the publishers of db that name the same collection. An
// invalid collection name fails on both backends with an error wrapping
// mongo.ErrInvalidConfig and outbox.ErrInvalidOption.
func NewPersistentPublisher[E events.Event](ctx context.Context, db *DB, collection string, relay *outbox.Relay, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[E], error) {
	if db.mongo != nil {
		return mongo.NewPersistentPublisher[E](ctx, db.mongo, collection, relay, topic, opts...)
	}
	if err := checkCollection(collection, outbox.ErrInvalidOption); err != nil {
		return nil, err
	}
	return memoutbox.NewPersistentPublisher[E](db.mem.get(collection), relay, topic, opts...)
}
