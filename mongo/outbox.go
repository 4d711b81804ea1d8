package mongo

import (
	"context"
	"fmt"
	"reflect"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/collname"
	"github.com/hexkit-go/hexkit/outbox"
)

// LeaseCollection is the collection of a DB in which the relays made by
// [NewRelay] keep their leases: one document {_id: lease name, owner,
// until} per lease (see outbox.WithLeaseName).
const LeaseCollection = "hexkitOutboxLeases"

// NewOutboxDAO returns the outbox DAO of the named collection of db: a
// DAO whose every write is stored with its publication state in the same
// document write, and which relay publishes to topic (see outbox.DAO). The
// documents are those of [NewDAO] plus Python hexkit's "__metadata__" (see
// the package's Outbox section), so a Go service can take over a
// collection written by Python hexkit's outbox DAO, and the reverse.
//
// It creates the unique indexes of dao.WithUnique as NewDAO does, and an
// index on the publication state that the relay polls with. T, ID, the
// options, relay and topic are checked as outbox.NewDAO describes; a nil
// db or an invalid collection name (see the package's Collection names)
// fails with [ErrInvalidConfig] and outbox.ErrInvalidOption (and
// dao.ErrInvalidOption).
func NewOutboxDAO[T any, ID comparable](ctx context.Context, db *DB, collection string, relay *outbox.Relay, topic string, opts ...dao.Option[T]) (outbox.DAO[T, ID], error) {
	if err := checkOutboxArgs("NewOutboxDAO", db, collection); err != nil {
		return nil, fmt.Errorf("%w (%w)", err, dao.ErrInvalidOption)
	}
	return outbox.NewDAO[T, ID](ctx, newOutboxColl(db, collection, reflect.TypeFor[T]()), relay, topic, opts...)
}

// NewRelay returns a relay that publishes through sender the changes of
// the outbox DAOs and the events of the persistent publishers built on it,
// and that shares its lease, kept in [LeaseCollection] of db, with the
// relays of the other instances of the service (see outbox.Relay). A nil
// db fails with [ErrInvalidConfig] and outbox.ErrInvalidOption; sender and
// the options are checked as outbox.NewRelay describes.
//
// On MongoDB taking the lease is atomic. On FerretDB v1, which evaluates
// an update's filter and writes in two steps, the relays of one process
// take turns exactly; across processes a relay that takes the lease over
// reads it back 50ms later and gives up if another relay's write replaced
// its own. A competing write delayed longer than that can still leave two
// relays believing they hold the lease until the next renewal (a third of
// the TTL), when the events of one key may be published out of order: on
// FerretDB the lease is best effort.
func NewRelay(db *DB, sender events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: %w: NewRelay: nil *DB", ErrInvalidConfig, outbox.ErrInvalidOption)
	}
	return outbox.NewRelay(sender, &lease{db: db, c: db.db.Collection(LeaseCollection)}, opts...)
}

// NewPersistentPublisher returns a publisher of E events to topic that
// stores every event in the named collection of db before relay sends it,
// in the layout of Python hexkit's persistent publisher (see
// outbox.PersistentPublisher and the package's Outbox section). Publishers
// of several topics may share one collection: those on one DB and
// collection share one event store, which the relay polls once. A nil db
// or an invalid collection name (see the package's Collection names)
// fails with [ErrInvalidConfig] and outbox.ErrInvalidOption; the rest is
// checked as
// outbox.NewPersistentPublisher describes.
func NewPersistentPublisher[E events.Event](ctx context.Context, db *DB, collection string, relay *outbox.Relay, topic string, opts ...outbox.PersistentOption) (outbox.PersistentPublisher[E], error) {
	if err := checkOutboxArgs("NewPersistentPublisher", db, collection); err != nil {
		return nil, err
	}
	return outbox.NewPersistentPublisher[E](ctx, db.eventStore(collection), relay, topic, opts...)
}

func checkOutboxArgs(fn string, db *DB, collection string) error {
	switch {
	case db == nil:
		return fmt.Errorf("%w: %w: %s: nil *DB", ErrInvalidConfig, outbox.ErrInvalidOption, fn)
	}
	if err := collname.Check(collection); err != nil {
		return fmt.Errorf("%w: %w: %s: %w", ErrInvalidConfig, outbox.ErrInvalidOption, fn, err)
	}
	return nil
}

// writeStripes returns the stripes that serialize the conditional writes
// of one key or id of the collection name, shared by every DAO and
// key-value store built on d for it, so that two of them on one collection
// do not lose each other's updates on FerretDB (see the type stripes).
func (d *DB) writeStripes(name string) *stripes { return d.stripesOf(&d.writeLocks, name) }

// outboxStripes returns the write stripes of the outbox collection name,
// shared by every outbox DAO of db on it.
func (d *DB) outboxStripes(name string) *stripes { return d.stripesOf(&d.outboxLocks, name) }

// stripesOf returns the stripes of name in *m, made on first use.
func (d *DB) stripesOf(m *map[string]*stripes, name string) *stripes {
	d.outboxMu.Lock()
	defer d.outboxMu.Unlock()
	if *m == nil {
		*m = map[string]*stripes{}
	}
	s, ok := (*m)[name]
	if !ok {
		s = new(stripes)
		(*m)[name] = s
	}
	return s
}

// eventStore returns the event store of the collection name, one per
// collection: a relay publishes each store once, however many publishers
// share it.
func (d *DB) eventStore(name string) *eventStore {
	d.outboxMu.Lock()
	defer d.outboxMu.Unlock()
	s, ok := d.eventStores[name]
	if !ok {
		if d.eventStores == nil {
			d.eventStores = map[string]*eventStore{}
		}
		s = &eventStore{db: d, c: d.db.Collection(name)}
		d.eventStores[name] = s
	}
	return s
}
