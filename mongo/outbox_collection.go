package mongo

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/outbox"
	outdriver "github.com/hexkit-go/hexkit/outbox/driver"
)

// The outbox metadata of a document, under Python hexkit's key, and the
// paths the queries use. "stamp" is this package's own key: Python hexkit
// ignores it, and drops it when it rewrites a document.
const (
	metaKey         = outbox.MetadataField
	metaDeleted     = metaKey + ".deleted"
	metaPublished   = metaKey + ".published"
	metaStamp       = metaKey + ".stamp"
	metaLastEventID = metaKey + ".last_event_id"
	// publishedIndex is the index the relay polls an outbox collection
	// with.
	publishedIndex = "hexkit_outbox_published"
)

// unstamped is the Stamp of a document without metadata (written by a
// plain DAO, and so published): no mark ever matches it.
const unstamped = "-"

// outboxColl is the outdriver.Collection of one MongoDB collection: the
// DAO driver over the same documents, plus their metadata. Every write and
// mark of one id holds that id's stripe, shared by every outbox DAO of the
// collection on one DB (FerretDB v1 evaluates an update's filter and
// writes in two steps).
type outboxColl struct {
	*coll
	locks *stripes
}

var _ outdriver.Collection = (*outboxColl)(nil)

func newOutboxColl(db *DB, collection string, doc reflect.Type) *outboxColl {
	return &outboxColl{coll: newColl(db, collection, doc), locks: db.outboxStripes(collection)}
}

// notDeleted is the filter part that leaves tombstones out, as Python
// hexkit writes it: documents without metadata are live.
func notDeleted() bson.E {
	return bson.E{Key: "$or", Value: bson.A{
		bson.D{{Key: metaKey, Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: metaDeleted, Value: false}},
	}}
}

// liveOnly returns filter restricted to documents that are not tombstones.
func liveOnly(filter bson.D) bson.D {
	if len(filter) == 0 {
		return bson.D{notDeleted()}
	}
	return bson.D{{Key: "$and", Value: bson.A{filter, bson.D{notDeleted()}}}}
}

func (c *outboxColl) Init(ctx context.Context, s driver.Schema) error {
	if err := c.coll.Init(ctx, s); err != nil {
		return err
	}
	return createIndex(ctx, c.db, c.coll.coll, publishedIndex, bson.D{{Key: metaPublished, Value: 1}})
}

// createIndex creates the named index on keys, a no-op when it exists.
func createIndex(ctx context.Context, db *DB, c *mongo.Collection, name string, keys bson.D) error {
	bctx, cancel := db.bound(ctx)
	defer cancel()
	_, err := c.Indexes().CreateOne(bctx, mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)})
	if err = mapError(ctx, err); err != nil {
		if errors.Is(err, ctx.Err()) || errors.Is(err, driver.ErrUnavailable) {
			return err
		}
		return fmt.Errorf("%w: creating index %s on %s: %w", driver.ErrInvalidOption, name, c.Name(), err)
	}
	return nil
}

// Get looks the id up alone and leaves a tombstone out itself: FerretDB v1
// (SQLite) pushes only a filter {_id: string} down to its backend, and
// scans the collection for any other.
func (c *outboxColl) Get(ctx context.Context, id driver.Value, doc any) error {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	res := c.coll.coll.FindOne(bctx, bson.D{{Key: "_id", Value: c.coll.idValue(id)}})
	raw, err := res.Raw()
	if err != nil {
		return mapError(ctx, err)
	}
	if deleted, _ := raw.Lookup(metaKey, "deleted").BooleanOK(); deleted {
		return fmt.Errorf("%w: id %v (deleted)", driver.ErrNotFound, id)
	}
	return mapError(ctx, res.Decode(doc))
}

func (c *outboxColl) Find(ctx context.Context, q driver.Query) (driver.Cursor, error) {
	return c.find(ctx, liveOnly(c.filter(q.Filter)), q)
}

func (c *outboxColl) Count(ctx context.Context, f driver.Filter) (int64, error) {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	n, err := c.coll.coll.CountDocuments(bctx, liveOnly(c.filter(f)))
	return n, mapError(ctx, err)
}

// encode encodes doc with the pending metadata of a write in ctx.
func (c *outboxColl) encode(ctx context.Context, doc any) (bson.Raw, error) {
	raw, err := c.codec.encode(doc)
	if err != nil {
		return nil, err
	}
	if _, err := raw.LookupErr(metaKey); err == nil {
		return nil, fmt.Errorf("%w: the field %s is the outbox's own", driver.ErrInvalidDocument, metaKey)
	}
	meta := pendingMetadata(ctx, false)
	out := make([]byte, 0, len(raw)+len(meta)+len(metaKey)+2)
	out = append(out, raw[:len(raw)-1]...)
	out = bsoncore.AppendDocumentElement(out, metaKey, meta)
	out = append(out, 0)
	binary.LittleEndian.PutUint32(out, uint32(len(out)))
	return out, nil
}

// pendingMetadata returns the metadata of a change written in ctx, not
// published yet, with a fresh stamp.
func pendingMetadata(ctx context.Context, deleted bool) bson.Raw {
	cid, _ := hexkit.CorrelationID(ctx)
	idx, b := bsoncore.AppendDocumentStart(make([]byte, 0, 128))
	b = bsoncore.AppendBooleanElement(b, "deleted", deleted)
	b = bsoncore.AppendBooleanElement(b, "published", false)
	b = appendUUID(b, "correlation_id", cid)
	b = bsoncore.AppendNullElement(b, "last_event_id")
	b = bsoncore.AppendStringElement(b, "stamp", newVersion())
	b, _ = bsoncore.AppendDocumentEnd(b, idx)
	return b
}

// appendUUID appends s as Python hexkit stores a UUID (pymongo's standard
// representation: binary subtype 4), null when s is empty, and as a string
// when it is not a UUID.
func appendUUID(dst []byte, key, s string) []byte {
	if u, err := uuid.Parse(s); err == nil {
		return bsoncore.AppendBinaryElement(dst, key, bson.TypeBinaryUUID, u[:])
	}
	if s == "" {
		return bsoncore.AppendNullElement(dst, key)
	}
	return bsoncore.AppendStringElement(dst, key, s)
}

// uuidBSON is the BSON value of a UUID string, as appendUUID stores it.
func uuidBSON(s string) any {
	if u, err := uuid.Parse(s); err == nil {
		return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: u[:]}
	}
	if s == "" {
		return nil
	}
	return s
}

// uuidString reads a stored UUID, binary (subtype 4, or 3 as older
// drivers wrote it) or string, in its canonical form; "" when v is none.
func uuidString(v bson.RawValue) string {
	if sub, data, ok := v.BinaryOK(); ok && (sub == bson.TypeBinaryUUID || sub == bson.TypeBinaryUUIDOld) && len(data) == 16 {
		return uuid.UUID(data).String()
	}
	if s, ok := v.StringValueOK(); ok {
		if u, err := uuid.Parse(s); err == nil {
			return u.String()
		}
	}
	return ""
}

func (c *outboxColl) Insert(ctx context.Context, id driver.Value, doc any) error {
	raw, err := c.encode(ctx, doc)
	if err != nil {
		return err
	}
	defer c.locks.lock(id.Key())()
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	_, err = c.coll.coll.InsertOne(bctx, raw)
	if err = mapError(ctx, err); err != nil {
		// A tombstone keeps its id: inserting it again is ErrAlreadyExists.
		return c.resolve(bctx, ctx, err, raw, opInsert, 0)
	}
	return nil
}

func (c *outboxColl) Replace(ctx context.Context, r driver.Replace) error {
	raw, err := c.encode(ctx, r.Doc)
	if err != nil {
		return err
	}
	id := raw.Lookup("_id")
	stored := bson.D{{Key: "_id", Value: id}, notDeleted()}
	filter := stored
	switch {
	case r.Upsert && r.Versioned:
		// The live document at r.Version, or a tombstone: a new life of
		// the id.
		filter = bson.D{{Key: "_id", Value: id}, {Key: "$or", Value: bson.A{
			bson.D{{Key: metaDeleted, Value: true}},
			bson.D{{Key: c.schema.VersionField, Value: versionIs(r.Version)}, notDeleted()},
		}}}
	case r.Upsert:
		filter = bson.D{{Key: "_id", Value: id}}
	case r.Versioned:
		filter = bson.D{{Key: "_id", Value: id}, {Key: c.schema.VersionField, Value: versionIs(r.Version)}, notDeleted()}
	}
	defer c.locks.lock(r.ID.Key())()
	if r.Upsert && !r.Versioned {
		return c.replace(ctx, r, raw, filter, stored)
	}
	twoStep, err := c.db.twoStep(ctx)
	if err != nil {
		return err
	}
	if !twoStep {
		return c.replace(ctx, r, raw, filter, stored)
	}
	// FerretDB: check the stored document, then write by id (see twoStep).
	current, err := c.current(ctx, id)
	switch {
	case err != nil:
		return err
	case current == nil && !r.Upsert:
		return fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
	case current != nil && r.Versioned:
		if v, _ := current.Lookup(c.schema.VersionField).AsInt64OK(); v != r.Version {
			return fmt.Errorf("%w: id %v: version %d is not the stored version", driver.ErrConflict, id, r.Version)
		}
	}
	return c.replace(ctx, r, raw, bson.D{{Key: "_id", Value: id}}, stored)
}

// current returns the live document with id, nil when there is none (or
// a tombstone).
func (c *outboxColl) current(ctx context.Context, id any) (bson.Raw, error) {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	raw, err := c.coll.coll.FindOne(bctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(ctx, err)
	}
	if deleted, _ := raw.Lookup(metaKey, "deleted").BooleanOK(); deleted {
		return nil, nil
	}
	return raw, nil
}

func (c *outboxColl) Delete(ctx context.Context, id driver.Value) error {
	// The replacement has no _id: the stored one stays, with its type.
	tomb := bson.D{{Key: metaKey, Value: pendingMetadata(ctx, true)}}
	defer c.locks.lock(id.Key())()
	twoStep, err := c.db.twoStep(ctx)
	if err != nil {
		return err
	}
	filter := bson.D{{Key: "_id", Value: c.coll.idValue(id)}, notDeleted()}
	if twoStep {
		// FerretDB: check the stored document, then write by id.
		if current, err := c.current(ctx, c.coll.idValue(id)); err != nil || current == nil {
			if err == nil {
				err = fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
			}
			return err
		}
		filter = filter[:1]
	}
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	res, err := c.coll.coll.ReplaceOne(bctx, filter, tomb)
	if err != nil {
		return mapError(ctx, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
	}
	return nil
}

func (c *outboxColl) Changes(ctx context.Context, after *driver.Value, all bool, limit int) (outdriver.ChangeCursor, error) {
	filter := bson.D{}
	if !all {
		filter = append(filter, bson.E{Key: metaPublished, Value: false})
	}
	if after != nil {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: c.coll.idValue(*after)}}})
	}
	raws, err := readAll(ctx, c.db, c.coll.coll, filter, bson.D{{Key: "_id", Value: 1}}, limit)
	if err != nil {
		return nil, err
	}
	cur := &changeCursor{c: c, at: -1}
	for _, raw := range raws {
		ch, doc, ok, err := c.change(ctx, raw, all)
		if err != nil {
			return nil, err
		}
		if ok {
			cur.changes = append(cur.changes, ch)
			cur.docs = append(cur.docs, doc)
		}
	}
	return cur, nil
}

// readAll reads at most limit documents matching filter in the order of
// sort.
func readAll(ctx context.Context, db *DB, c *mongo.Collection, filter, sort bson.D, limit int) ([]bson.Raw, error) {
	bctx, cancel := db.bound(ctx)
	defer cancel()
	fo := options.Find().SetSort(sort).SetLimit(int64(limit))
	if limit <= 1000 {
		fo.SetBatchSize(int32(limit))
	}
	cur, err := c.Find(bctx, filter, fo)
	if err != nil {
		return nil, mapError(ctx, err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(bctx)) }()
	var raws []bson.Raw
	for cur.Next(bctx) {
		raws = append(raws, bytes.Clone(cur.Current))
	}
	if err := cur.Err(); err != nil {
		return nil, mapError(ctx, err)
	}
	return raws, nil
}

// change reads the publication state of a stored document, stamping it
// first when it has metadata without a stamp (written by Python hexkit).
// ok is false for a document to leave out: its id is not one a DAO
// stores, it went away, or it is no longer pending.
func (c *outboxColl) change(ctx context.Context, raw bson.Raw, all bool) (ch outdriver.Change, doc bson.Raw, ok bool, err error) {
	id, ok := valueOf(raw.Lookup("_id"))
	if !ok {
		return ch, nil, false, nil
	}
	meta, hasMeta := raw.Lookup(metaKey).DocumentOK()
	if !hasMeta {
		// Only with all: a pending document has metadata.
		return outdriver.Change{ID: id, Published: true, Stamp: unstamped}, raw, true, nil
	}
	if _, stamped := meta.Lookup("stamp").StringValueOK(); !stamped {
		if raw, err = c.stamp(ctx, id, raw.Lookup("_id")); raw == nil || err != nil {
			return ch, nil, false, err
		}
		if meta, hasMeta = raw.Lookup(metaKey).DocumentOK(); !hasMeta {
			return ch, nil, false, nil
		}
	}
	stamp, stamped := meta.Lookup("stamp").StringValueOK()
	deleted, _ := meta.Lookup("deleted").BooleanOK()
	published, _ := meta.Lookup("published").BooleanOK()
	if !stamped || (published && !all) {
		return ch, nil, false, nil
	}
	ch = outdriver.Change{ID: id, Deleted: deleted, Published: published,
		CorrelationID: uuidString(meta.Lookup("correlation_id")), Stamp: stamp}
	return ch, raw, true, nil
}

// stamp gives the document with id a stamp if it has metadata without
// one, and returns the document as it is now (nil when it is gone).
func (c *outboxColl) stamp(ctx context.Context, idv driver.Value, id bson.RawValue) (bson.Raw, error) {
	defer c.locks.lock(idv.Key())()
	return stampOne(ctx, c.db, c.coll.coll, id, outboxPaths)
}

// valueOf returns the driver.Value of a stored id, false for a type no
// DAO stores as an id.
func valueOf(v bson.RawValue) (driver.Value, bool) {
	switch v.Type {
	case bson.TypeString:
		return driver.StringValue(v.StringValue()), true
	case bson.TypeInt32:
		return driver.IntValue(int64(v.Int32())), true
	case bson.TypeInt64:
		return driver.IntValue(v.Int64()), true
	case bson.TypeBinary:
		if sub, data := v.Binary(); sub == bson.TypeBinaryUUID && len(data) == 16 {
			return driver.StringValue(uuid.UUID(data).String()), true
		}
	}
	return driver.Value{}, false
}

func (c *outboxColl) MarkPublished(ctx context.Context, marks []outdriver.Mark) (int, error) {
	if len(marks) == 0 {
		return 0, ctx.Err()
	}
	keys := make([]string, len(marks))
	ids := make([]any, len(marks))
	for i, mk := range marks {
		keys[i], ids[i] = mk.ID.Key(), c.coll.idValue(mk.ID)
	}
	defer c.locks.lockKeys(keys)()
	return markPublished(ctx, c.db, c.coll.coll, marks, ids, outboxPaths)
}

func (c *outboxColl) MarkAllPending(ctx context.Context) (int64, error) {
	stamp := newVersion()
	defer c.locks.lockAll()()
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	withMeta, err := c.coll.coll.UpdateMany(bctx, bson.D{{Key: metaKey, Value: bson.D{{Key: "$exists", Value: true}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: metaPublished, Value: false}, {Key: metaStamp, Value: stamp}}}})
	if err != nil {
		return 0, mapError(ctx, err)
	}
	cid, _ := hexkit.CorrelationID(ctx)
	meta := bson.D{{Key: "deleted", Value: false}, {Key: "published", Value: false},
		{Key: "correlation_id", Value: uuidBSON(cid)}, {Key: "last_event_id", Value: nil}, {Key: "stamp", Value: stamp}}
	without, err := c.coll.coll.UpdateMany(bctx, bson.D{{Key: metaKey, Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: metaKey, Value: meta}}}})
	if err != nil {
		return withMeta.MatchedCount, mapError(ctx, err)
	}
	return withMeta.MatchedCount + without.MatchedCount, nil
}

// changeCursor yields the changes Changes read.
type changeCursor struct {
	c       *outboxColl
	changes []outdriver.Change
	docs    []bson.Raw
	at      int
	err     error
}

func (r *changeCursor) Next(ctx context.Context) bool {
	if r.err = ctx.Err(); r.err != nil {
		return false
	}
	r.at++
	return r.at < len(r.changes)
}

func (r *changeCursor) Change() outdriver.Change { return r.changes[r.at] }

// Decode decodes the current document into doc, its id included; the
// metadata is not a field of doc and is ignored.
func (r *changeCursor) Decode(doc any) error {
	if r.changes[r.at].Deleted {
		return fmt.Errorf("%w: a tombstone has no document", driver.ErrNotFound)
	}
	raw, err := renameKey(r.docs[r.at], "_id", r.c.codec.idKey)
	if err != nil {
		return err
	}
	dec := bson.NewDecoder(bson.NewDocumentReader(bytes.NewReader(raw)))
	dec.SetRegistry(r.c.codec.reg)
	dec.UseJSONStructTags()
	if err := dec.Decode(doc); err != nil {
		return fmt.Errorf("mongo: decoding a stored document: %w", err)
	}
	return nil
}

func (r *changeCursor) Err() error { return r.err }

func (r *changeCursor) Close(context.Context) error { return nil }
