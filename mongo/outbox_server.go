package mongo

import (
	"context"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	outdriver "github.com/hexkit-go/hexkit/outbox/driver"
)

// twoStep reports whether the server is FerretDB, asking it once (its
// buildInfo carries ferretdbVersion). FerretDB v1 evaluates a conditional
// write's filter and writes the document in two steps, so a condition is
// no more atomic there than a read followed by a write; and its SQLite
// backend pushes only a filter {_id: string} down to its tables, reading
// and filtering the whole collection for any other, in time proportional
// to its size. On FerretDB the
// outbox therefore reads a document by id, checks the condition itself
// and writes by id, under the id's stripe; on MongoDB it sends one
// conditional write.
func (d *DB) twoStep(ctx context.Context) (bool, error) {
	switch d.server.Load() {
	case 1:
		return false, nil
	case 2:
		return true, nil
	}
	bctx, cancel := d.bound(ctx)
	defer cancel()
	raw, err := d.db.RunCommand(bctx, bson.D{{Key: "buildInfo", Value: 1}}).Raw()
	if err != nil {
		return false, mapError(ctx, err)
	}
	kind := int32(1)
	if _, err := raw.LookupErr("ferretdbVersion"); err == nil {
		kind = 2
	}
	d.server.Store(kind)
	return kind == 2, nil
}

// markPaths names the fields a mark reads and sets: the outbox's inside
// __metadata__, the event store's at the top level.
type markPaths struct {
	stamp, published, eventID string
	// meta: the stamp may only be added to a document that has metadata.
	meta bool
}

var (
	outboxPaths = markPaths{stamp: metaStamp, published: metaPublished, eventID: metaLastEventID, meta: true}
	eventPaths  = markPaths{stamp: "stamp", published: "published", eventID: "event_id"}
)

func lookup(raw bson.Raw, path string) bson.RawValue {
	v, _ := raw.LookupErr(strings.Split(path, ".")...)
	return v
}

// markPublished marks published, for each mark whose document (ids[i])
// still carries the mark's stamp and is pending, and returns how many it
// marked. Callers hold the ids' stripes.
func markPublished(ctx context.Context, db *DB, c *mongo.Collection, marks []outdriver.Mark, ids []any, p markPaths) (int, error) {
	twoStep, err := db.twoStep(ctx)
	if err != nil {
		return 0, err
	}
	bctx, cancel := db.bound(ctx)
	defer cancel()
	models := make([]mongo.WriteModel, 0, len(marks))
	for i, mk := range marks {
		filter := bson.D{{Key: "_id", Value: ids[i]}}
		if twoStep {
			raw, err := c.FindOne(bctx, filter).Raw()
			if errors.Is(err, mongo.ErrNoDocuments) {
				continue
			}
			if err != nil {
				return 0, mapError(ctx, err)
			}
			stamp, _ := lookup(raw, p.stamp).StringValueOK()
			published, _ := lookup(raw, p.published).BooleanOK()
			if stamp != mk.Stamp || published {
				continue
			}
		} else {
			filter = append(filter, bson.E{Key: p.stamp, Value: mk.Stamp}, bson.E{Key: p.published, Value: false})
		}
		models = append(models, mongo.NewUpdateOneModel().SetFilter(filter).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: p.published, Value: true}, {Key: p.eventID, Value: uuidBSON(mk.EventID)}}}}))
	}
	if len(models) == 0 {
		return 0, ctx.Err()
	}
	res, err := c.BulkWrite(bctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return 0, mapError(ctx, err)
	}
	return int(res.ModifiedCount), nil
}

// stampOne gives the document with id a stamp if it has none (and, for
// the outbox, has metadata), and returns the document as it is now (nil
// when it is gone). Callers hold the id's stripe.
func stampOne(ctx context.Context, db *DB, c *mongo.Collection, id any, p markPaths) (bson.Raw, error) {
	twoStep, err := db.twoStep(ctx)
	if err != nil {
		return nil, err
	}
	bctx, cancel := db.bound(ctx)
	defer cancel()
	byID := bson.D{{Key: "_id", Value: id}}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: p.stamp, Value: newVersion()}}}}
	var raw bson.Raw
	if twoStep {
		raw, err = c.FindOne(bctx, byID).Raw()
		if err == nil {
			_, hasMeta := raw.Lookup(metaKey).DocumentOK()
			if _, stamped := lookup(raw, p.stamp).StringValueOK(); !stamped && (hasMeta || !p.meta) {
				if _, err = c.UpdateOne(bctx, byID, update); err == nil {
					raw, err = c.FindOne(bctx, byID).Raw()
				}
			}
		}
	} else {
		filter := append(byID, bson.E{Key: p.stamp, Value: bson.D{{Key: "$exists", Value: false}}})
		if p.meta {
			filter = append(filter, bson.E{Key: metaKey, Value: bson.D{{Key: "$type", Value: "object"}}})
		}
		raw, err = c.FindOneAndUpdate(bctx, filter, update, options.FindOneAndUpdate().SetReturnDocument(options.After)).Raw()
		if errors.Is(err, mongo.ErrNoDocuments) {
			// Stamped or rewritten meanwhile: read it as it is.
			raw, err = c.FindOne(bctx, byID).Raw()
		}
	}
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(ctx, err)
	}
	return raw, nil
}
