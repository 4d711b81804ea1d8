package mongo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	daodriver "github.com/hexkit-go/hexkit/dao/driver"
	evdriver "github.com/hexkit-go/hexkit/events/driver"
	outdriver "github.com/hexkit-go/hexkit/outbox/driver"
)

// pendingEventsIndex is the index the relay polls a collection of
// persistent events with.
const pendingEventsIndex = "hexkit_outbox_pending_events"

// eventStore is the outdriver.EventStore of one collection, in Python
// hexkit's layout: {_id: compaction key, topic, payload (a document), key,
// type_, event_id, headers, correlation_id, created, published}, plus this
// package's stamp, which Python hexkit's model ignores. Every write and
// mark of one compaction key holds its stripe (FerretDB v1 evaluates an
// update's filter and writes in two steps).
type eventStore struct {
	db    *DB
	c     *mongo.Collection
	locks stripes
}

var _ outdriver.EventStore = (*eventStore)(nil)

func (s *eventStore) Init(ctx context.Context) error {
	return createIndex(ctx, s.db, s.c, pendingEventsIndex,
		bson.D{{Key: "published", Value: 1}, {Key: "created", Value: 1}, {Key: "_id", Value: 1}})
}

func (s *eventStore) Put(ctx context.Context, e *outdriver.Event) error {
	payload, err := jsonToBSON(e.Payload)
	if _, isDoc := payload.(bson.D); err != nil || !isDoc {
		return fmt.Errorf("%w: the payload of a stored event must be a JSON object", evdriver.ErrMalformedPayload)
	}
	headers := bson.D{}
	for _, k := range slices.Sorted(maps.Keys(e.Headers)) {
		headers = append(headers, bson.E{Key: k, Value: e.Headers[k]})
	}
	stamp := newVersion()
	doc := bson.D{
		{Key: "_id", Value: e.CompactionKey},
		{Key: "topic", Value: e.Topic},
		{Key: "payload", Value: payload},
		{Key: "key", Value: e.Key},
		{Key: "type_", Value: e.Type},
		{Key: "event_id", Value: uuidBSON(e.EventID)},
		{Key: "headers", Value: headers},
		{Key: "correlation_id", Value: uuidBSON(e.CorrelationID)},
		{Key: "created", Value: daodriver.TruncateTime(e.Created)},
		{Key: "published", Value: false},
		{Key: "stamp", Value: stamp},
	}
	defer s.locks.lock(e.CompactionKey)()
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	for attempt := 0; ; attempt++ {
		_, err := s.c.ReplaceOne(bctx, bson.D{{Key: "_id", Value: e.CompactionKey}}, doc, options.Replace().SetUpsert(true))
		err = mapError(ctx, err)
		var dup *duplicateError
		if errors.As(err, &dup) && attempt < 3 {
			// Two upserts of a new key raced; the other one inserted it,
			// so this one now replaces it.
			continue
		}
		switch {
		case err == nil:
			e.Stamp = stamp
			return nil
		case errors.Is(err, daodriver.ErrInvalidDocument):
			return fmt.Errorf("%w: %w", evdriver.ErrInvalidMessage, err)
		}
		return err
	}
}

func (s *eventStore) Events(ctx context.Context, after *outdriver.EventPosition, all bool, limit int) ([]outdriver.Event, error) {
	filter := bson.D{}
	if !all {
		filter = append(filter, bson.E{Key: "published", Value: false})
	}
	if after != nil {
		t := daodriver.TruncateTime(after.Created)
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "created", Value: bson.D{{Key: "$gt", Value: t}}}},
			bson.D{{Key: "created", Value: t}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after.CompactionKey}}}},
		}})
	}
	raws, err := readAll(ctx, s.db, s.c, filter, bson.D{{Key: "created", Value: 1}, {Key: "_id", Value: 1}}, limit)
	if err != nil {
		return nil, err
	}
	out := make([]outdriver.Event, 0, len(raws))
	for _, raw := range raws {
		key, ok := raw.Lookup("_id").StringValueOK()
		if !ok {
			continue // not an event of a persistent publisher
		}
		if _, stamped := raw.Lookup("stamp").StringValueOK(); !stamped {
			if raw, err = s.stamp(ctx, key); raw == nil || err != nil {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		e := decodeEvent(raw)
		if e.Stamp == "" || (e.Published && !all) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeEvent reads a stored event. An event that does not decode comes
// back with an empty topic, which the relay reports and leaves pending.
func decodeEvent(raw bson.Raw) outdriver.Event {
	e := outdriver.Event{
		EventID:       uuidString(raw.Lookup("event_id")),
		CorrelationID: uuidString(raw.Lookup("correlation_id")),
	}
	e.CompactionKey, _ = raw.Lookup("_id").StringValueOK()
	e.Stamp, _ = raw.Lookup("stamp").StringValueOK()
	e.Published, _ = raw.Lookup("published").BooleanOK()
	topic, ok1 := raw.Lookup("topic").StringValueOK()
	e.Key, _ = raw.Lookup("key").StringValueOK()
	e.Type, _ = raw.Lookup("type_").StringValueOK()
	created, ok2 := raw.Lookup("created").TimeOK()
	e.Created = daodriver.TruncateTime(created)
	var err error
	payload := raw.Lookup("payload")
	ok3 := payload.Type == bson.TypeEmbeddedDocument
	if ok3 {
		e.Payload, err = appendJSON(nil, payload)
	}
	ok4 := true
	if h, ok := raw.Lookup("headers").DocumentOK(); ok {
		elems, _ := h.Elements()
		for _, el := range elems {
			v, isString := el.Value().StringValueOK()
			ok4 = ok4 && isString
			if e.Headers == nil {
				e.Headers = map[string]string{}
			}
			e.Headers[el.Key()] = v
		}
	}
	if ok1 && ok2 && ok3 && ok4 && err == nil {
		e.Topic = topic
	}
	return e
}

// stamp gives the stored event key a stamp if it has none, and returns it
// as it is now (nil when it is gone).
func (s *eventStore) stamp(ctx context.Context, key string) (bson.Raw, error) {
	defer s.locks.lock(key)()
	return stampOne(ctx, s.db, s.c, key, eventPaths)
}

func (s *eventStore) MarkPublished(ctx context.Context, marks []outdriver.Mark) (int, error) {
	if len(marks) == 0 {
		return 0, ctx.Err()
	}
	keys := make([]string, len(marks))
	ids := make([]any, len(marks))
	for i, mk := range marks {
		keys[i], _ = mk.ID.Interface().(string)
		ids[i] = keys[i]
	}
	defer s.locks.lockKeys(keys)()
	return markPublished(ctx, s.db, s.c, marks, ids, eventPaths)
}

func (s *eventStore) MarkAllPending(ctx context.Context, topic string) (int64, error) {
	filter := bson.D{}
	if topic != "" {
		filter = bson.D{{Key: "topic", Value: topic}}
	}
	defer s.locks.lockAll()()
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	res, err := s.c.UpdateMany(bctx, filter,
		bson.D{{Key: "$set", Value: bson.D{{Key: "published", Value: false}, {Key: "stamp", Value: newVersion()}}}})
	if err != nil {
		return 0, mapError(ctx, err)
	}
	return res.MatchedCount, nil
}
