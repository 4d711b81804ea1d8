package mongomigrate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/driver"
	"github.com/hexkit-go/hexkit/mongo"
)

// ErrInvalidConfig: NewMigrator got a nil DB (the error wraps
// migrate.ErrInvalidOption too).
var ErrInvalidConfig = errors.New("mongomigrate: invalid config")

// lockID is the lock document's _id, as Python hexkit writes it (an int32).
const lockID = int32(0)

// NewMigrator returns a Migrator of db's version collection coll (Python
// hexkit's db_version_collection) for the target version with the given
// steps, each called with db's *mongo.Database. Takeovers of expired leases
// are recorded in the collection coll+"_takeovers". A bad collection name
// wraps migrate.ErrInvalidCollection, a nil db ErrInvalidConfig and
// migrate.ErrInvalidOption (as memmigrate's nil database does); bad
// steps, target or options fail as migrate.New does.
func NewMigrator(db *mongo.DB, coll string, target int, steps []migrate.Step[*mongodriver.Database], opts ...migrate.Option) (migrate.Migrator, error) {
	d, err := newDriver(db, coll)
	if err != nil {
		return nil, err
	}
	return migrate.New(d, d.db, target, steps, opts...)
}

func newDriver(db *mongo.DB, coll string) (*mongoDriver, error) {
	if err := migrate.ValidateCollection(coll); err != nil {
		return nil, err
	}
	var mdb *mongodriver.Database
	if db == nil || !db.As(&mdb) {
		return nil, fmt.Errorf("%w: %w: nil DB", ErrInvalidConfig, migrate.ErrInvalidOption)
	}
	return &mongoDriver{db: mdb, versions: mdb.Collection(coll), takeovers: mdb.Collection(coll + "_takeovers")}, nil
}

type mongoDriver struct {
	db        *mongodriver.Database
	versions  *mongodriver.Collection
	takeovers *mongodriver.Collection
}

// record is a version record in Python hexkit's layout.
type record struct {
	Version         int64     `bson:"version"`
	Completed       time.Time `bson:"completed"`
	Backward        bool      `bson:"backward"`
	TotalDurationMS int64     `bson:"total_duration_ms"`
}

// lockDoc is the lock document: Python hexkit's fields (lock_acquired,
// acquired_at) and the lease (owner, expires_at), which Python hexkit
// neither writes nor reads.
type lockDoc struct {
	AcquiredAt time.Time `bson:"acquired_at"`
	Owner      string    `bson:"owner,omitempty"`
	ExpiresAt  time.Time `bson:"expires_at,omitempty"`
}

func (d *mongoDriver) Records(ctx context.Context) ([]driver.Record, error) {
	cur, err := d.versions.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: lockID}}}})
	if err != nil {
		return nil, mapError(ctx, err)
	}
	// Fetched raw and decoded here, so that a document the server sent
	// but that is no record is told from a failed request.
	var docs []bson.Raw
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapError(ctx, err)
	}
	out := make([]driver.Record, len(docs))
	for i, raw := range docs {
		var r record
		if err := bson.Unmarshal(raw, &r); err != nil {
			return nil, corrupt("version record", raw, err)
		}
		out[i] = driver.Record{Version: int(r.Version), Completed: r.Completed.UTC(), Backward: r.Backward, Duration: time.Duration(r.TotalDurationMS) * time.Millisecond}
	}
	return out, nil
}

func (d *mongoDriver) Append(ctx context.Context, r driver.Record) error {
	_, err := d.versions.InsertOne(ctx, bson.D{
		{Key: "version", Value: int32(r.Version)},
		{Key: "completed", Value: bson.NewDateTimeFromTime(r.Completed)},
		{Key: "backward", Value: r.Backward},
		{Key: "total_duration_ms", Value: r.Duration.Milliseconds()},
	})
	return mapError(ctx, err)
}

func (d *mongoDriver) Lock(ctx context.Context) (driver.Lease, bool, error) {
	raw, err := d.versions.FindOne(ctx, bson.D{{Key: "_id", Value: lockID}}).Raw()
	if errors.Is(err, mongodriver.ErrNoDocuments) {
		return driver.Lease{}, false, nil
	}
	if err != nil {
		return driver.Lease{}, false, mapError(ctx, err)
	}
	var doc lockDoc
	if err := bson.Unmarshal(raw, &doc); err != nil {
		return driver.Lease{}, false, corrupt("lock document", raw, err)
	}
	l := driver.Lease{Owner: doc.Owner, AcquiredAt: doc.AcquiredAt.UTC()}
	if !doc.ExpiresAt.IsZero() {
		l.ExpiresAt = doc.ExpiresAt.UTC()
	}
	return l, true, nil
}

func lockDocument(l driver.Lease) bson.D {
	return bson.D{
		{Key: "_id", Value: lockID},
		{Key: "lock_acquired", Value: true},
		{Key: "acquired_at", Value: bson.NewDateTimeFromTime(l.AcquiredAt)},
		{Key: "owner", Value: l.Owner},
		{Key: "expires_at", Value: bson.NewDateTimeFromTime(l.ExpiresAt)},
	}
}

func (d *mongoDriver) Acquire(ctx context.Context, l driver.Lease) error {
	_, err := d.versions.InsertOne(ctx, lockDocument(l))
	if isDuplicate(err) {
		return driver.ErrLocked
	}
	return mapError(ctx, err)
}

// TakeOver claims the expired lease by inserting a document named after it
// into the takeovers collection: the unique _id lets exactly one claimant
// win, where a conditional update would not (FerretDB v1 evaluates an
// update's filter and writes in two steps). The winner then replaces the
// lock document.
func (d *mongoDriver) TakeOver(ctx context.Context, old, next driver.Lease) error {
	claim := old.Owner + "/" + strconv.FormatInt(old.ExpiresAt.UnixMilli(), 10)
	_, err := d.takeovers.InsertOne(ctx, bson.D{
		{Key: "_id", Value: claim},
		{Key: "owner", Value: next.Owner},
		{Key: "at", Value: bson.NewDateTimeFromTime(next.AcquiredAt)},
	})
	if isDuplicate(err) {
		return driver.ErrLocked
	}
	if err != nil {
		return mapError(ctx, err)
	}
	// The lease may have been renewed or released since it was read.
	cur, ok, err := d.Lock(ctx)
	if err != nil {
		return err
	}
	if !ok || cur.Owner != old.Owner || !cur.ExpiresAt.Equal(old.ExpiresAt) {
		return driver.ErrLocked
	}
	res, err := d.versions.ReplaceOne(ctx, bson.D{{Key: "_id", Value: lockID}, {Key: "owner", Value: old.Owner}}, lockDocument(next))
	if err != nil {
		return mapError(ctx, err)
	}
	if res.MatchedCount == 0 {
		return driver.ErrLocked
	}
	return nil
}

func (d *mongoDriver) Renew(ctx context.Context, owner string, expiresAt time.Time) error {
	res, err := d.versions.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: lockID}, {Key: "owner", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expires_at", Value: bson.NewDateTimeFromTime(expiresAt)}}}})
	if err != nil {
		return mapError(ctx, err)
	}
	if res.MatchedCount == 0 {
		return driver.ErrLockLost
	}
	return nil
}

func (d *mongoDriver) Release(ctx context.Context, owner string) error {
	res, err := d.versions.DeleteOne(ctx, bson.D{{Key: "_id", Value: lockID}, {Key: "owner", Value: owner}})
	if err != nil {
		return mapError(ctx, err)
	}
	if res.DeletedCount == 0 {
		return driver.ErrLockLost
	}
	return nil
}
