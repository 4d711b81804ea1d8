package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	outdriver "github.com/hexkit-go/hexkit/outbox/driver"
)

// lease is the outdriver.Lease over LeaseCollection: one document {_id:
// name, owner, until} per lease; a lease without a document is free.
// Acquire is one conditional upsert (free, expired or already the
// owner's), which MongoDB applies atomically; the DB's leaseMu makes the
// relays of one process take turns on FerretDB too, and a takeover reads
// the lease back after takeoverSettle, so that of two processes racing on
// FerretDB only the last writer keeps it, unless the other's write lands
// later than that.
type lease struct {
	db *DB
	c  *mongo.Collection
}

var _ outdriver.Lease = (*lease)(nil)

// takeoverSettle is how long a relay that takes the lease over waits
// before it reads the lease back: long enough for a competitor's write
// that raced with its own on FerretDB to land.
const takeoverSettle = 50 * time.Millisecond

func (l *lease) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	l.db.leaseMu.Lock()
	defer l.db.leaseMu.Unlock()
	bctx, cancel := l.db.bound(ctx)
	defer cancel()
	now := time.Now()
	filter := bson.D{{Key: "_id", Value: name}, {Key: "$or", Value: bson.A{
		bson.D{{Key: "owner", Value: owner}},
		bson.D{{Key: "until", Value: bson.D{{Key: "$lte", Value: now}}}},
	}}}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}, {Key: "until", Value: now.Add(ttl)}}}}
	before, err := l.c.FindOneAndUpdate(bctx, filter, update,
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		err = nil // inserted: the lease was free
	}
	if err = mapError(ctx, err); err != nil {
		// The lease's document exists and did not match: another relay
		// holds it.
		if errors.As(err, new(*duplicateError)) {
			return false, nil
		}
		return false, err
	}
	if prev, _ := before.Lookup("owner").StringValueOK(); before != nil && prev == owner {
		return true, nil // a renewal: nobody else writes an unexpired lease
	}
	// A takeover. On FerretDB, another process may have taken it between
	// the filter and the write: let such a write land, then read it back.
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-time.After(takeoverSettle):
	}
	raw, err := l.c.FindOne(bctx, bson.D{{Key: "_id", Value: name}}).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil // released meanwhile by the relay that overwrote ours
	}
	if err != nil {
		return false, mapError(ctx, err)
	}
	holder, _ := raw.Lookup("owner").StringValueOK()
	return holder == owner, nil
}

func (l *lease) Release(ctx context.Context, name, owner string) error {
	l.db.leaseMu.Lock()
	defer l.db.leaseMu.Unlock()
	bctx, cancel := l.db.bound(ctx)
	defer cancel()
	_, err := l.c.DeleteOne(bctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}})
	return mapError(ctx, err)
}
