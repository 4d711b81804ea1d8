package mongo

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/internal/collname"
)

// NewDAO returns a DAO for the named collection of db, creating the unique
// indexes declared with dao.WithUnique (idempotently: creating an existing
// identical index is a no-op). T, ID and the options are checked as
// [dao.New] describes; an index that exists with a different definition
// under the same name fails with dao.ErrInvalidOption. A server that does
// not answer within the DB's timeout fails it with dao.ErrUnavailable, like
// every other call (see Timeouts in the package documentation). A nil db
// or an invalid collection name (see the package's Collection names) fails
// with both [ErrInvalidConfig] and dao.ErrInvalidOption.
func NewDAO[T any, ID comparable](ctx context.Context, db *DB, collection string, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
	if db == nil {
		return nil, fmt.Errorf("%w: %w: nil *mongo.DB", ErrInvalidConfig, dao.ErrInvalidOption)
	}
	if err := collname.Check(collection); err != nil {
		return nil, fmt.Errorf("%w: %w: %w", ErrInvalidConfig, dao.ErrInvalidOption, err)
	}
	return dao.New[T, ID](ctx, newColl(db, collection, reflect.TypeFor[T]()), opts...)
}

// newColl returns the driver of the named collection of db.
func newColl(db *DB, collection string, doc reflect.Type) *coll {
	reg := newRegistry()
	return &coll{
		db:    db,
		uuids: uuidPaths(doc),
		coll: db.db.Collection(collection, options.Collection().SetRegistry(reg).
			SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true})),
		codec:   &codec{reg: reg},
		stripes: db.writeStripes(collection),
	}
}

// coll is the driver.Collection of one MongoDB collection.
type coll struct {
	db      *DB
	coll    *mongo.Collection
	schema  driver.Schema
	codec   *codec
	indexes map[string][]string // index name -> fields
	uuids   map[string]bool     // json paths of uuid.UUID fields, stored as binary UUIDs
	// stripes serialize versioned writes of one id within every DAO of db
	// on this collection (see the type stripes and DB.writeStripes).
	stripes *stripes
}

var _ driver.Collection = (*coll)(nil)

func (c *coll) Init(ctx context.Context, s driver.Schema) error {
	c.schema = s
	c.codec.idKey = s.IDField
	c.indexes = map[string][]string{}
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	var models []mongo.IndexModel
	for _, fields := range s.Unique {
		keys := bson.D{}
		names := make([]string, len(fields))
		for i, f := range fields {
			keys = append(keys, bson.E{Key: c.key(f), Value: 1})
			names[i] = c.key(f)
		}
		name := "hexkit_unique_" + strings.Join(names, "_")
		c.indexes[name] = fields
		models = append(models, mongo.IndexModel{Keys: keys, Options: options.Index().SetUnique(true).SetName(name)})
	}
	// One createIndexes command per index: FerretDB v1.24 drops the
	// connection (a recovered panic) when one command re-creates several
	// indexes that all exist already, while a single existing index is a
	// no-op, as in MongoDB.
	for _, m := range models {
		if _, err := c.coll.Indexes().CreateOne(bctx, m); err != nil {
			err = mapError(ctx, err)
			if ctx.Err() != nil || errors.Is(err, driver.ErrUnavailable) {
				return err
			}
			return fmt.Errorf("%w: creating unique indexes on %s: %w", driver.ErrInvalidOption, c.coll.Name(), err)
		}
	}
	if len(models) > 0 {
		return c.verifyIndexes(bctx, ctx)
	}
	return nil
}

// verifyIndexes checks that every declared index exists, unique, on the
// declared keys. MongoDB refuses to create an index whose name is taken by
// a different one; FerretDB silently keeps the old one, which would leave
// the uniqueness unenforced. bctx is ctx bounded by the DB's timeout;
// errors are mapped against ctx, the caller's.
func (c *coll) verifyIndexes(bctx, ctx context.Context) error {
	specs, err := c.coll.Indexes().ListSpecifications(bctx)
	if err != nil {
		return mapError(ctx, err)
	}
	have := map[string]mongo.IndexSpecification{}
	for _, s := range specs {
		have[s.Name] = s
	}
	for name, fields := range c.indexes {
		s, ok := have[name]
		if !ok || s.Unique == nil || !*s.Unique || !c.sameKeys(s.KeysDocument, fields) {
			return fmt.Errorf("%w: index %s on %s is missing or has another definition (keys %v); drop or rename the old one",
				driver.ErrInvalidOption, name, c.coll.Name(), s.KeysDocument)
		}
	}
	return nil
}

func (c *coll) sameKeys(raw bson.Raw, fields []string) bool {
	elems, err := raw.Elements()
	if err != nil || len(elems) != len(fields) {
		return false
	}
	for i, e := range elems {
		n, ok := e.Value().AsInt64OK()
		if !ok {
			f, fok := e.Value().DoubleOK()
			n, ok = int64(f), fok
		}
		if !ok || e.Key() != c.key(fields[i]) || n != 1 {
			return false
		}
	}
	return true
}

// As sets a **mongo.Collection.
func (c *coll) As(target any) bool {
	if t, ok := target.(**mongo.Collection); ok {
		*t = c.coll
		return true
	}
	return false
}

func (c *coll) Get(ctx context.Context, id driver.Value, doc any) error {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	err := c.coll.FindOne(bctx, bson.D{{Key: "_id", Value: c.idValue(id)}}).Decode(doc)
	return mapError(ctx, err)
}

func (c *coll) Insert(ctx context.Context, _ driver.Value, doc any) error {
	raw, err := c.codec.encode(doc)
	if err != nil {
		return err
	}
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	_, err = c.coll.InsertOne(bctx, raw)
	if err = mapError(ctx, err); err != nil {
		return c.resolve(bctx, ctx, err, raw, opInsert, 0)
	}
	return nil
}

func (c *coll) Replace(ctx context.Context, r driver.Replace) error {
	raw, err := c.codec.encode(r.Doc)
	if err != nil {
		return err
	}
	id := raw.Lookup("_id")
	filter := bson.D{{Key: "_id", Value: id}}
	if r.Versioned {
		filter = append(filter, bson.E{Key: c.schema.VersionField, Value: versionIs(r.Version)})
		defer c.stripes.lock(string(id.Value))()
	}
	return c.replace(ctx, r, raw, filter, bson.D{{Key: "_id", Value: id}})
}

// versionIs is the filter value that matches a stored version v. A stored
// document without the version field (or with null there), as another
// program may write it, has version 0, as it reads.
func versionIs(v int64) any {
	if v == 0 {
		return bson.D{{Key: "$in", Value: bson.A{0, nil}}}
	}
	return v
}

// storedVersion reads the version of a stored document: 0 when the field
// is missing or null, false when it holds something other than a number.
func (c *coll) storedVersion(stored bson.Raw) (int64, bool) {
	rv, err := stored.LookupErr(c.schema.VersionField)
	if err != nil || rv.Type == bson.TypeNull {
		return 0, true
	}
	return rv.AsInt64OK()
}

// replace stores raw, the encoded r.Doc, in place of the document that
// filter matches (inserting it for an upsert), and maps the outcome as
// Replace promises. stored finds the document of raw's id that a versioned
// write may conflict with, to tell ErrConflict from ErrNotFound when
// nothing matched.
func (c *coll) replace(ctx context.Context, r driver.Replace, raw bson.Raw, filter, stored bson.D) error {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	op := opUpdate
	if r.Upsert {
		op = opUpsert
	}
	for attempt := 0; ; attempt++ {
		res, err := c.coll.ReplaceOne(bctx, filter, raw, options.Replace().SetUpsert(r.Upsert))
		if err = mapError(ctx, err); err != nil {
			err = c.resolve(bctx, ctx, err, raw, op, r.Version)
			if errors.Is(err, errRetry) && attempt < 3 {
				continue
			}
			if errors.Is(err, errRetry) {
				// The document of the id kept changing under the upsert.
				return fmt.Errorf("%w: id %v: the stored document kept changing: %w", driver.ErrConflict, raw.Lookup("_id"), err)
			}
			return err
		}
		if res.MatchedCount > 0 || res.UpsertedCount > 0 {
			return nil
		}
		break
	}
	// Nothing matched and nothing was inserted (an Update).
	id := raw.Lookup("_id")
	if r.Versioned {
		n, err := c.coll.CountDocuments(bctx, stored)
		if err != nil {
			return mapError(ctx, err)
		}
		if n > 0 {
			return fmt.Errorf("%w: id %v: version %d is not the stored version", driver.ErrConflict, id, r.Version)
		}
	}
	return fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
}

func (c *coll) Delete(ctx context.Context, id driver.Value) error {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	res, err := c.coll.DeleteOne(bctx, bson.D{{Key: "_id", Value: c.idValue(id)}})
	if err != nil {
		return mapError(ctx, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
	}
	return nil
}

func (c *coll) Find(ctx context.Context, q driver.Query) (driver.Cursor, error) {
	return c.find(ctx, c.filter(q.Filter), q)
}

// find runs q with its filter already translated.
func (c *coll) find(ctx context.Context, filter bson.D, q driver.Query) (driver.Cursor, error) {
	fo := options.Find()
	if len(q.Sort) > 0 {
		fo.SetSort(c.sort(q.Sort))
	}
	if q.Skip > 0 {
		fo.SetSkip(q.Skip)
	}
	if q.Limit > 0 {
		fo.SetLimit(q.Limit)
		if q.Limit <= 100 {
			fo.SetBatchSize(int32(q.Limit))
		}
	}
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	cur, err := c.coll.Find(bctx, filter, fo)
	if err != nil {
		return nil, mapError(ctx, err)
	}
	return &cursor{c: c, cur: cur, ctx: ctx}, nil
}

func (c *coll) Count(ctx context.Context, f driver.Filter) (int64, error) {
	bctx, cancel := c.db.bound(ctx)
	defer cancel()
	n, err := c.coll.CountDocuments(bctx, c.filter(f))
	return n, mapError(ctx, err)
}

// cursor reads a Find's documents. The driver decodes the fields with the
// collection's registry and json tags straight into the caller's struct;
// the id comes from _id, which the struct does not name.
type cursor struct {
	c   *coll
	cur *mongo.Cursor
	ctx context.Context // the caller's context of the last Next, for mapError
}

func (r *cursor) Next(ctx context.Context) bool {
	r.ctx = ctx
	bctx, cancel := r.c.db.bound(ctx)
	defer cancel()
	return r.cur.Next(bctx)
}

func (r *cursor) Decode(doc, id any) error {
	if err := r.cur.Decode(doc); err != nil {
		return fmt.Errorf("mongo: decoding a stored document: %w", err)
	}
	if r.c.codec.idKey == "_id" {
		return nil
	}
	if err := r.cur.Current.Lookup("_id").UnmarshalWithRegistry(r.c.codec.reg, id); err != nil {
		return fmt.Errorf("mongo: decoding a stored id: %w", err)
	}
	return nil
}

func (r *cursor) Err() error { return mapError(r.ctx, r.cur.Err()) }

func (r *cursor) Close(ctx context.Context) error {
	bctx, cancel := r.c.db.bound(ctx)
	defer cancel()
	return mapError(ctx, r.cur.Close(bctx))
}
