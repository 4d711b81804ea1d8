package outbox

import (
	"cmp"
	"context"
	"fmt"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	daodriver "github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/events"
	evdriver "github.com/hexkit-go/hexkit/events/driver"
	"github.com/hexkit-go/hexkit/outbox/driver"
)

// DAO is a DAO that publishes its changes: every write is stored together
// with its publication state in one document write, and the relay then
// publishes it to the DAO's topic, as a [ChangeEventType] event whose
// payload is the full document or a [DeleteEventType] event whose payload
// is {}, keyed by the id. Get from a provider (mongo.NewOutboxDAO,
// memoutbox.New).
//
// The methods of [dao.DAO] behave as on a plain DAO, with these
// differences: Delete leaves a tombstone (deleted documents are invisible
// to Get, Find and Count, and their id cannot be inserted again; Upsert
// stores it again), and a write returns once the change is stored, not
// once it is published (the relay publishes it, see [Relay]). The
// correlation id of the writing context (a fresh one when it has none) is
// stored with the change and travels on its event. Since an event key is
// printable ASCII, a write or Delete of a document whose id as a key is
// not (a string id with other characters) fails, having written nothing,
// with an error wrapping dao.ErrInvalidID and events.ErrInvalidMessage
// (and dao.ErrInvalidDocument for a write). A write whose event would be
// larger than the relay's size limit ([WithMaxMessageSize], 1 MiB by
// default, as Kafka's; events/driver.RecordSize counts the event) fails,
// having written nothing, with an error wrapping dao.ErrInvalidDocument
// and events.ErrMessageTooLarge. A stored change the broker refuses for
// good (events.ErrMessageTooLarge or events.ErrInvalidMessage, say from a
// broker with a lower limit than the relay's) stays pending and makes
// every pass report an error, but holds back no other change.
type DAO[T any, ID comparable] interface {
	dao.DAO[T, ID]
	// PublishPending publishes every change of this DAO that is not
	// published yet, now, and returns how many. When another instance's
	// relay holds the lease it returns [ErrLeaseHeld] and that relay
	// publishes them; once the relay's Run has returned, [ErrClosed].
	PublishPending(ctx context.Context) (int, error)
	// Republish marks every stored document, tombstones included, as
	// pending and publishes them as PublishPending does: consumers get the
	// current state of every document again. It returns how many it
	// published (with ErrLeaseHeld, none: the lease holder publishes them).
	Republish(ctx context.Context) (int, error)
}

// NewDAO returns the outbox DAO over a provider's collection, publishing to
// topic through relay. It is for providers; services call a provider's
// constructor (mongo.NewOutboxDAO, memoutbox.New), which returns the same
// DAO. It checks T, ID and the options as [dao.New] does, refuses a T with
// a top-level field named [MetadataField] with an error wrapping
// dao.ErrInvalidDocument, and fails with an error wrapping
// [ErrInvalidOption] for a nil collection or relay or an id
// type that cannot travel as an event key, with one wrapping
// events.ErrInvalidMessage for an invalid topic, and with one wrapping
// [ErrClosed] for a relay whose Run has returned.
func NewDAO[T any, ID comparable](ctx context.Context, c driver.Collection, relay *Relay, topic string, opts ...dao.Option[T]) (DAO[T, ID], error) {
	if c == nil || relay == nil {
		return nil, fmt.Errorf("%w: NewDAO: nil collection or relay", ErrInvalidOption)
	}
	if err := events.ValidateTopic(topic); err != nil {
		return nil, err
	}
	if err := checkIDType[ID](); err != nil {
		return nil, err
	}
	d := &outboxDAO[T, ID]{c: c, relay: relay, topic: topic, codec: events.JSONCodec[T]()}
	inner, err := dao.New[T, ID](ctx, keyedCollection{Collection: c, sized: d.sized}, opts...)
	if err != nil {
		return nil, err
	}
	d.DAO = inner
	if err := relay.add(d); err != nil {
		return nil, err
	}
	return d, nil
}

// outboxDAO wraps the plain DAO over the outbox collection: the collection
// stores the publication state, this type makes sure a correlation id is
// there to store and wakes the relay.
type outboxDAO[T any, ID comparable] struct {
	dao.DAO[T, ID]
	c     driver.Collection
	relay *Relay
	topic string
	codec events.Codec[T]
}

func (d *outboxDAO[T, ID]) Insert(ctx context.Context, doc T) error {
	ctx, _ = hexkit.EnsureCorrelationID(ctx)
	err := d.DAO.Insert(ctx, doc)
	if err == nil {
		d.relay.notify()
	}
	return err
}

func (d *outboxDAO[T, ID]) Update(ctx context.Context, doc T) (int64, error) {
	ctx, _ = hexkit.EnsureCorrelationID(ctx)
	v, err := d.DAO.Update(ctx, doc)
	if err == nil {
		d.relay.notify()
	}
	return v, err
}

func (d *outboxDAO[T, ID]) Upsert(ctx context.Context, doc T) (int64, error) {
	ctx, _ = hexkit.EnsureCorrelationID(ctx)
	v, err := d.DAO.Upsert(ctx, doc)
	if err == nil {
		d.relay.notify()
	}
	return v, err
}

func (d *outboxDAO[T, ID]) Delete(ctx context.Context, id ID) error {
	ctx, _ = hexkit.EnsureCorrelationID(ctx)
	err := d.DAO.Delete(ctx, id)
	if err == nil {
		d.relay.notify()
	}
	return err
}

func (d *outboxDAO[T, ID]) PublishPending(ctx context.Context) (int, error) {
	return d.relay.publish(ctx, d, nil, nil)
}

func (d *outboxDAO[T, ID]) Republish(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	ctx, _ = hexkit.EnsureCorrelationID(ctx)
	return d.relay.publish(ctx, d, nil, func(ctx context.Context) error {
		_, err := d.c.MarkAllPending(ctx)
		return err
	})
}

func (d *outboxDAO[T, ID]) describe() string { return "the outbox DAO of topic " + d.topic }

// pass publishes the pending changes in batches of the relay's size, in
// order of id, and stops at the first batch that failed or when stop is
// closed.
func (d *outboxDAO[T, ID]) pass(ctx context.Context, r *Relay, stop <-chan struct{}) (int, error) {
	var after *daodriver.Value
	total := 0
	var refused error // the first error of a change the broker refused for good
	for {
		deadline, err := r.sendDeadline(ctx)
		if err != nil {
			return total, err
		}
		msgs, stamps, last, n, err := d.batch(ctx, after, r.o.batch)
		if err != nil {
			return total, err
		}
		sendErrs, sendErr := r.send(ctx, deadline, msgs)
		marks := make([]driver.Mark, 0, len(msgs))
		for i, err := range sendErrs {
			if err == nil {
				marks = append(marks, driver.Mark{ID: stamps[i].ID, Stamp: stamps[i].Stamp, EventID: msgs[i].EventID})
			}
		}
		if len(marks) > 0 {
			if _, err := d.c.MarkPublished(context.WithoutCancel(ctx), marks); err != nil {
				// Published but not marked: published again later (at least once).
				return total + len(marks), err
			}
		}
		total += len(marks)
		if sendErr != nil {
			if !onlyRefusedForGood(sendErrs) {
				return total, sendErr
			}
			// Changes the broker refused for good stay pending (and are
			// reported) without holding back the batches after them.
			refused = cmp.Or(refused, sendErr)
		}
		if n < r.o.batch || stopped(stop) {
			return total, refused
		}
		after = &last
	}
}

// batch reads up to limit pending changes after the id after and builds
// their messages. n counts the changes read (a change that cannot be
// published is skipped, logged, and stays pending).
func (d *outboxDAO[T, ID]) batch(ctx context.Context, after *daodriver.Value, limit int) (msgs []*events.Message, changes []driver.Change, last daodriver.Value, n int, err error) {
	cur, err := d.c.Changes(ctx, after, false, limit)
	if err != nil {
		return nil, nil, last, 0, err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		n++
		ch := cur.Change()
		last = ch.ID
		m, err := d.message(ch, cur)
		if err != nil {
			d.relay.o.logger.ErrorContext(ctx, "outbox: a stored change cannot be published; it stays pending",
				"topic", d.topic, "id", ch.ID.String(), "error", err)
			continue
		}
		msgs = append(msgs, m)
		changes = append(changes, ch)
	}
	if err := cur.Err(); err != nil {
		return nil, nil, last, 0, err
	}
	return msgs, changes, last, n, nil
}

// sized returns an error wrapping events.ErrMessageTooLarge when the
// event of a write of doc (a *T) with the event key key would be larger
// than the relay's size limit, or the error of encoding doc: the relay
// could never publish it.
func (d *outboxDAO[T, ID]) sized(ctx context.Context, key string, doc any) error {
	payload, err := d.codec.Encode(*doc.(*T))
	if err != nil {
		return err
	}
	cid, _ := hexkit.CorrelationID(ctx)
	if hexkit.ValidateCorrelationID(cid) != nil {
		cid = hexkit.NewCorrelationID()
	}
	m := &evdriver.Message{Topic: d.topic, Key: key, Type: ChangeEventType, EventID: events.NewEventID(),
		CorrelationID: cid, Payload: payload}
	if n := evdriver.RecordSize(m); n > d.relay.o.maxSize {
		return fmt.Errorf("%w: the document's event would be %d bytes, more than the relay's limit of %d (outbox.WithMaxMessageSize)",
			events.ErrMessageTooLarge, n, d.relay.o.maxSize)
	}
	return nil
}

// message builds the event of one stored change.
func (d *outboxDAO[T, ID]) message(ch driver.Change, cur driver.ChangeCursor) (*events.Message, error) {
	key, err := keyOf(ch.ID)
	if err != nil {
		return nil, err
	}
	cid := ch.CorrelationID
	if hexkit.ValidateCorrelationID(cid) != nil {
		cid = hexkit.NewCorrelationID()
	}
	m := &events.Message{Topic: d.topic, Key: key, EventID: events.NewEventID(), CorrelationID: cid}
	if ch.Deleted {
		m.Type, m.Payload = DeleteEventType, []byte("{}")
		return m, m.Validate()
	}
	var doc T
	if err := cur.Decode(&doc); err != nil {
		return nil, err
	}
	if m.Payload, err = d.codec.Encode(doc); err != nil {
		return nil, err
	}
	m.Type = ChangeEventType
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}
