package mongo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"iter"
	"strings"
	"sync"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/dao"
)

// DAO is a [dao.DAO] backed by one MongoDB collection.
type DAO[T any, ID comparable] struct {
	coll    *mongo.Collection
	schema  *dao.Schema[T, ID]
	codec   *codec
	indexes map[string][]string // index name -> fields
	// stripes serialize versioned writes of one id within this DAO: FerretDB
	// v1 evaluates an update's filter and writes the document in two steps,
	// so two concurrent conditional replaces of one document could both
	// succeed there. MongoDB needs no help; the lock costs it nothing much.
	stripes [64]sync.Mutex
}

type assertDoc struct {
	ID string `json:"id"`
}

var _ dao.DAO[assertDoc, string] = (*DAO[assertDoc, string])(nil)

// NewDAO returns a DAO for the named collection of db, creating the unique
// indexes declared with dao.WithUnique (idempotently: creating an existing
// identical index is a no-op). The database may come from a client the
// caller built with any options, or from [Connect]; the DAO encodes
// documents itself, with the json struct tags, so the client's BSON options
// do not matter. Options and T are checked as described in
// [dao.NewSchema]. An index that exists with a different definition under
// the same name fails with dao.ErrInvalidOption.
func NewDAO[T any, ID comparable](ctx context.Context, db *mongo.Database, collection string, opts ...dao.Option) (*DAO[T, ID], error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil database", dao.ErrInvalidOption)
	}
	if collection == "" {
		return nil, fmt.Errorf("%w: empty collection name", dao.ErrInvalidOption)
	}
	s, err := dao.NewSchema[T, ID](opts...)
	if err != nil {
		return nil, err
	}
	reg := newRegistry()
	d := &DAO[T, ID]{
		coll: db.Collection(collection, options.Collection().SetRegistry(reg).
			SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true})),
		schema:  s,
		codec:   &codec{reg: reg, idKey: s.IDField()},
		indexes: map[string][]string{},
	}
	var models []mongo.IndexModel
	for _, fields := range s.UniqueIndexes() {
		keys := bson.D{}
		names := make([]string, len(fields))
		for i, f := range fields {
			keys = append(keys, bson.E{Key: d.key(f), Value: 1})
			names[i] = d.key(f)
		}
		name := "hexkit_unique_" + strings.Join(names, "_")
		d.indexes[name] = fields
		models = append(models, mongo.IndexModel{Keys: keys, Options: options.Index().SetUnique(true).SetName(name)})
	}
	if len(models) > 0 {
		if _, err := d.coll.Indexes().CreateMany(ctx, models); err != nil {
			err = mapErr(ctx, err)
			if errors.Is(err, ctx.Err()) || errors.Is(err, dao.ErrUnavailable) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: creating unique indexes on %s: %w", dao.ErrInvalidOption, collection, err)
		}
	}
	return d, nil
}

// Collection returns the underlying collection, for what the protocol does
// not cover.
func (d *DAO[T, ID]) Collection() *mongo.Collection { return d.coll }

// idBSON is the stored form of an id: a uuid.UUID as its string.
func idBSON[ID comparable](id ID) any {
	if u, ok := any(id).(uuid.UUID); ok {
		return u.String()
	}
	return id
}

// Get returns the document with the given id.
func (d *DAO[T, ID]) Get(ctx context.Context, id ID) (T, error) {
	var doc T
	if err := d.coll.FindOne(ctx, bson.D{{Key: "_id", Value: idBSON(id)}}).Decode(&doc); err != nil {
		return doc, mapErr(ctx, err)
	}
	d.schema.SetID(&doc, id)
	return doc, nil
}

// decodeCursor decodes the cursor's current document. The driver decodes
// the fields with the collection's registry and json tags; the id comes
// from _id, which the struct does not name.
func (d *DAO[T, ID]) decodeCursor(cur *mongo.Cursor, doc *T) error {
	if err := cur.Decode(doc); err != nil {
		return fmt.Errorf("mongo: decoding a stored document: %w", err)
	}
	if d.codec.idKey == "_id" {
		return nil
	}
	var id ID
	if err := cur.Current.Lookup("_id").UnmarshalWithRegistry(d.codec.reg, &id); err != nil {
		return fmt.Errorf("mongo: decoding a stored id: %w", err)
	}
	d.schema.SetID(doc, id)
	return nil
}

// Insert stores a new document.
func (d *DAO[T, ID]) Insert(ctx context.Context, doc T) error {
	raw, err := d.codec.encode(&doc)
	if err != nil {
		return err
	}
	_, err = d.coll.InsertOne(ctx, raw)
	if err = mapErr(ctx, err); err != nil {
		return d.resolve(ctx, err, raw, opInsert, 0)
	}
	return nil
}

// Update replaces the stored document with doc's id.
func (d *DAO[T, ID]) Update(ctx context.Context, doc T) error {
	return d.replace(ctx, doc, false)
}

// Upsert replaces or inserts doc.
func (d *DAO[T, ID]) Upsert(ctx context.Context, doc T) error {
	return d.replace(ctx, doc, true)
}

func (d *DAO[T, ID]) replace(ctx context.Context, doc T, upsert bool) error {
	versioned := d.schema.VersionField() != ""
	version := d.schema.Version(&doc)
	if versioned {
		d.schema.SetVersion(&doc, version+1)
	}
	raw, err := d.codec.encode(&doc)
	if err != nil {
		return err
	}
	id := raw.Lookup("_id")
	filter := bson.D{{Key: "_id", Value: id}}
	if versioned {
		filter = append(filter, bson.E{Key: d.schema.VersionField(), Value: version})
	}
	if versioned {
		h := fnv.New32a()
		_, _ = h.Write(id.Value)
		mu := &d.stripes[h.Sum32()%uint32(len(d.stripes))]
		mu.Lock()
		defer mu.Unlock()
	}
	op := opUpdate
	if upsert {
		op = opUpsert
	}
	for attempt := 0; ; attempt++ {
		res, err := d.coll.ReplaceOne(ctx, filter, raw, options.Replace().SetUpsert(upsert))
		if err = mapErr(ctx, err); err != nil {
			err = d.resolve(ctx, err, raw, op, version)
			if errors.Is(err, errRetry) && attempt < 3 {
				continue
			}
			if errors.Is(err, errRetry) {
				return &dao.UniqueViolationError{Err: err}
			}
			return err
		}
		if res.MatchedCount > 0 || res.UpsertedCount > 0 {
			return nil
		}
		break
	}
	// Nothing matched and nothing was inserted (an Update).
	if versioned {
		n, err := d.coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
		if err != nil {
			return mapErr(ctx, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: id %v: version %d is not the stored version", dao.ErrConflict, id, version)
		}
	}
	return fmt.Errorf("%w: id %v", dao.ErrNotFound, id)
}

// Delete removes the document with the given id.
func (d *DAO[T, ID]) Delete(ctx context.Context, id ID) error {
	res, err := d.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: idBSON(id)}})
	if err != nil {
		return mapErr(ctx, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: id %v", dao.ErrNotFound, id)
	}
	return nil
}

// FindOne returns the only document matching filter.
func (d *DAO[T, ID]) FindOne(ctx context.Context, filter dao.Filter) (T, error) {
	var zero T
	if err := d.schema.ValidateFilter(filter); err != nil {
		return zero, err
	}
	cur, err := d.coll.Find(ctx, d.filter(filter), options.Find().SetLimit(2).SetBatchSize(2))
	if err != nil {
		return zero, mapErr(ctx, err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	var docs []T
	for cur.Next(ctx) {
		var doc T
		if err := d.decodeCursor(cur, &doc); err != nil {
			return zero, err
		}
		docs = append(docs, doc)
	}
	if err := cur.Err(); err != nil {
		return zero, mapErr(ctx, err)
	}
	switch len(docs) {
	case 0:
		return zero, fmt.Errorf("%w: %s", dao.ErrNoHits, filter)
	case 1:
		return docs[0], nil
	}
	return zero, fmt.Errorf("%w: %s", dao.ErrMultipleHits, filter)
}

// Find yields the matching documents. Breaking out of the loop closes the
// cursor.
func (d *DAO[T, ID]) Find(ctx context.Context, filter dao.Filter, opts ...dao.FindOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := d.schema.ValidateFilter(filter); err != nil {
			yield(zero, err)
			return
		}
		q, err := d.schema.Query(opts...)
		if err != nil {
			yield(zero, err)
			return
		}
		fo := options.Find().SetSort(d.sort(q))
		if q.Skip > 0 {
			fo.SetSkip(q.Skip)
		}
		if q.Limit > 0 {
			fo.SetLimit(q.Limit)
		}
		cur, err := d.coll.Find(ctx, d.filter(filter), fo)
		if err != nil {
			yield(zero, mapErr(ctx, err))
			return
		}
		defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
		for cur.Next(ctx) {
			var doc T
			if err := d.decodeCursor(cur, &doc); err != nil {
				yield(zero, err)
				return
			}
			if !yield(doc, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(zero, mapErr(ctx, err))
		}
	}
}

// Count returns how many documents match filter.
func (d *DAO[T, ID]) Count(ctx context.Context, filter dao.Filter) (int64, error) {
	if err := d.schema.ValidateFilter(filter); err != nil {
		return 0, err
	}
	n, err := d.coll.CountDocuments(ctx, d.filter(filter))
	return n, mapErr(ctx, err)
}
