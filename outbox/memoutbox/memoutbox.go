package memoutbox

import (
	"context"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// NewRelay returns a relay with a lease of its own: the only relay of its
// kind, it always holds it. Use [NewRelayWithLease] for relays that take
// turns.
func NewRelay(sender events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	return outbox.NewRelay(sender, NewLease(), opts...)
}

// NewRelayWithLease returns a relay that shares lease with the other relays
// built on it, as the relays of several service instances share theirs.
func NewRelayWithLease(sender events.Sender, lease *Lease, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	if lease == nil {
		return outbox.NewRelay(sender, nil, opts...)
	}
	return outbox.NewRelay(sender, lease, opts...)
}

// New returns an empty in-memory outbox DAO publishing to topic through
// relay. It accepts the options of every DAO provider and checks T, ID and
// topic as every outbox provider does (see outbox.NewDAO).
func New[T any, ID comparable](relay *outbox.Relay, topic string, opts ...dao.Option[T]) (outbox.DAO[T, ID], error) {
	return outbox.NewDAO[T, ID](context.Background(), newCollection[T](), relay, topic, opts...)
}

// Collection is an in-memory outbox collection that several outbox DAOs
// share, as the instances of a service share a MongoDB collection: each
// instance builds its DAO on its own relay ([NewWithCollection]), and a
// change written through one DAO is published by whichever relay holds the
// lease. Build it with [NewCollection].
type Collection[T any] struct{ c *collection[T] }

// NewCollection returns an empty collection for [NewWithCollection].
func NewCollection[T any]() *Collection[T] { return &Collection[T]{c: newCollection[T]()} }

// NewWithCollection returns an outbox DAO over the shared collection c,
// publishing to topic through relay, as [New] does. Every DAO of one
// collection must be built with the same DAO options: a DAO whose options
// differ from the first one's fails with an error wrapping
// dao.ErrInvalidOption.
func NewWithCollection[T any, ID comparable](c *Collection[T], relay *outbox.Relay, topic string, opts ...dao.Option[T]) (outbox.DAO[T, ID], error) {
	if c == nil {
		return outbox.NewDAO[T, ID](context.Background(), nil, relay, topic, opts...)
	}
	return outbox.NewDAO[T, ID](context.Background(), c.c, relay, topic, opts...)
}

// NewPersistentPublisher returns a persistent publisher of E events to
// topic that keeps its events in store (see outbox.NewPersistentPublisher).
func NewPersistentPublisher[E events.Event](store *EventStore, relay *outbox.Relay, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[E], error) {
	if store == nil {
		return outbox.NewPersistentPublisher[E](context.Background(), nil, relay, topic, opts...)
	}
	return outbox.NewPersistentPublisher[E](context.Background(), store, relay, topic, opts...)
}
