package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	daodriver "github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/internal/collname"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/driver"
)

// KVSweepInterval is how often a key-value store made by [NewKV] deletes
// its expired entries.
const KVSweepInterval = time.Minute

// DefaultKVCollection is the collection Python hexkit's MongoDB key-value
// stores use unless told otherwise.
const DefaultKVCollection = "kvstore"

// NewKV returns a key-value store of values of type V in the collection of
// db (use [DefaultKVCollection] to share Python hexkit's). It accepts the
// same options as every provider and checks them the same way (see
// kv.New); a nil db or an invalid collection name (see the package's
// Collection names) wraps [ErrInvalidConfig] and kv.ErrInvalidOption.
//
// Each entry is the document {_id: key, value, version, expires_at}: the
// value as Python hexkit's stores write it (bytes as binary, strings as
// strings, JSON as a document), an opaque version token, and the expiry
// time when there is one. A JSON value reads back re-encoded from the
// document, and an entry written in another kv.Format (by a store of
// another value type on the same collection) cannot be read: see the
// kv package documentation. Expiry is enforced on every read (FerretDB has no
// TTL indexes), and a sweeper deletes expired entries every
// [KVSweepInterval] until Close. Close does not close db.
//
// Compare-and-set is atomic on MongoDB. FerretDB v1 evaluates a replace's
// filter and writes in two steps, so the stores built on one DB for one
// collection serialize their conditional writes of a key together;
// conditional writes of one key from several DB values or processes on
// FerretDB may still both succeed. A document written by
// Python hexkit has no version; its version is "0" until Go rewrites it.
// Increment is a compare-and-set loop, and its values are decimal strings,
// which Python hexkit's string store reads.
func NewKV[V any](ctx context.Context, db *DB, collection string, opts ...kv.Option[V]) (kv.Store[V], error) {
	switch {
	case db == nil:
		return nil, fmt.Errorf("%w: %w: NewKV: nil *DB", ErrInvalidConfig, kv.ErrInvalidOption)
	}
	if err := collname.Check(collection); err != nil {
		return nil, fmt.Errorf("%w: %w: NewKV: %w", ErrInvalidConfig, kv.ErrInvalidOption, err)
	}
	return kv.New[V](ctx, &kvStore{db: db, c: db.db.Collection(collection), stripes: db.writeStripes(collection)}, opts...)
}

// kvStore is the driver.Store over one collection.
type kvStore struct {
	db   *DB
	c    *mongo.Collection
	enc  driver.Encoding
	stop chan struct{}
	done sync.WaitGroup
	once sync.Once
	// stripes serialize the conditional writes of one key within every
	// store of db on this collection (see the type stripes and
	// DB.writeStripes).
	stripes *stripes
}

// versionPrefix makes version tokens unique across processes; the counter
// makes them unique within one.
var (
	versionPrefix = func() string {
		var b [6]byte
		_, _ = rand.Read(b[:])
		return hex.EncodeToString(b[:]) + "-"
	}()
	versionCounter atomic.Uint64
)

func newVersion() string {
	return versionPrefix + strconv.FormatUint(versionCounter.Add(1), 36)
}

// unversioned is the version of a document written without one (by Python
// hexkit).
const unversioned = "0"

func (s *kvStore) Init(_ context.Context, cfg driver.Config) error {
	s.enc = cfg.Encoding
	s.stop = make(chan struct{})
	s.done.Add(1)
	go s.sweep()
	return nil
}

func (s *kvStore) sweep() {
	defer s.done.Done()
	t := time.NewTicker(KVSweepInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), KVSweepInterval)
			_, _ = s.c.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: time.Now()}}}})
			cancel()
		}
	}
}

// live is the filter part that excludes expired entries.
func live(now time.Time) bson.E {
	return bson.E{Key: "$or", Value: bson.A{
		bson.D{{Key: "expires_at", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}}},
	}}
}

// entry decodes a stored document; ok is false when it has expired.
func (s *kvStore) entry(raw bson.Raw, now time.Time) (e driver.Entry, ok bool, err error) {
	if exp, found := raw.Lookup("expires_at").TimeOK(); found {
		if !exp.After(now) {
			return e, false, nil
		}
		e.ExpiresAt = exp
	}
	key, found := raw.Lookup("_id").StringValueOK()
	if !found {
		return e, false, nil
	}
	e.Key, e.Version = key, unversioned
	if v, found := raw.Lookup("version").StringValueOK(); found {
		e.Version = v
	}
	v := raw.Lookup("value")
	switch s.enc {
	case driver.Bytes:
		if _, data, found := v.BinaryOK(); found {
			e.Value = data
			return e, true, nil
		}
	case driver.String:
		if str, found := v.StringValueOK(); found {
			e.Value = []byte(str)
			return e, true, nil
		}
	case driver.JSON:
		if e.Value, err = appendJSON(nil, v); err == nil {
			return e, true, nil
		}
	}
	return e, false, fmt.Errorf("%w: key %q: stored BSON %v is not a %v value", driver.ErrInvalidValue, key, v.Type, s.enc)
}

// value is the BSON form of an encoded value.
func (s *kvStore) value(b []byte) (any, error) {
	switch s.enc {
	case driver.Bytes:
		return bson.Binary{Data: b}, nil
	case driver.String:
		return string(b), nil
	}
	v, err := jsonToBSON(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", driver.ErrInvalidValue, err)
	}
	return v, nil
}

func (s *kvStore) Get(ctx context.Context, key string) (driver.Entry, error) {
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	raw, err := s.c.FindOne(bctx, bson.D{{Key: "_id", Value: key}}).Raw()
	if err != nil {
		return driver.Entry{}, mapKVError(ctx, err)
	}
	e, ok, err := s.entry(raw, time.Now())
	if err == nil && !ok {
		err = fmt.Errorf("%w: %q", driver.ErrNotFound, key)
	}
	return e, err
}

// Value is Get: the expiry must be read anyway, and the version costs
// nothing more.
func (s *kvStore) Value(ctx context.Context, key string) ([]byte, error) {
	e, err := s.Get(ctx, key)
	return e.Value, err
}

func (s *kvStore) GetMany(ctx context.Context, keys []string) ([]driver.Entry, error) {
	return s.find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}}, len(keys))
}

func (s *kvStore) find(ctx context.Context, filter bson.D, n int) ([]driver.Entry, error) {
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	cur, err := s.c.Find(bctx, filter)
	if err != nil {
		return nil, mapKVError(ctx, err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	out := make([]driver.Entry, 0, n)
	now := time.Now()
	for cur.Next(bctx) {
		e, ok, err := s.entry(cur.Current, now)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, e)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, mapKVError(ctx, err)
	}
	return out, nil
}

func (s *kvStore) Set(ctx context.Context, w driver.Write) (string, error) {
	val, err := s.value(w.Value)
	if err != nil {
		return "", err
	}
	now := time.Now()
	version := newVersion()
	doc := bson.D{{Key: "_id", Value: w.Key}, {Key: "value", Value: val}, {Key: "version", Value: version}}
	if w.TTL > 0 {
		w.ExpiresAt = now.Add(w.TTL)
	}
	if !w.ExpiresAt.IsZero() {
		doc = append(doc, bson.E{Key: "expires_at", Value: w.ExpiresAt.Truncate(time.Millisecond)})
	}
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	if w.Condition != driver.Always {
		defer s.stripes.lock(w.Key)()
	}
	switch w.Condition {
	case driver.IfAbsent:
		expired := bson.D{{Key: "_id", Value: w.Key}, {Key: "expires_at", Value: bson.D{{Key: "$lte", Value: now}}}}
		if _, err := s.c.DeleteOne(bctx, expired); err != nil {
			return "", mapKVError(ctx, err)
		}
		if _, err := s.c.InsertOne(bctx, doc); err != nil {
			return "", mapKVError(ctx, err)
		}
	case driver.IfVersion:
		filter := bson.D{{Key: "_id", Value: w.Key}, {Key: "version", Value: w.Version}, live(now)}
		if w.Version == unversioned {
			filter[1].Value = bson.D{{Key: "$exists", Value: false}}
		}
		res, err := s.c.ReplaceOne(bctx, filter, doc)
		if err != nil {
			return "", mapKVError(ctx, err)
		}
		if res.MatchedCount == 0 {
			return "", fmt.Errorf("%w: %q is not at version %q", driver.ErrConflict, w.Key, w.Version)
		}
	default:
		for {
			_, err := s.c.ReplaceOne(bctx, bson.D{{Key: "_id", Value: w.Key}}, doc, options.Replace().SetUpsert(true))
			if err = mapKVError(ctx, err); !errors.Is(err, driver.ErrConflict) {
				if err != nil {
					return "", err
				}
				break
			}
			// Two upserts of a new key raced; the other one inserted it, so
			// this one now replaces it.
		}
	}
	return version, nil
}

func (s *kvStore) Delete(ctx context.Context, key string) error {
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	_, err := s.c.DeleteOne(bctx, bson.D{{Key: "_id", Value: key}})
	return mapKVError(ctx, err)
}

func (s *kvStore) Exists(ctx context.Context, key string) (bool, error) {
	bctx, cancel := s.db.bound(ctx)
	defer cancel()
	n, err := s.c.CountDocuments(bctx, bson.D{{Key: "_id", Value: key}, live(time.Now())}, options.Count().SetLimit(1))
	return n > 0, mapKVError(ctx, err)
}

func (s *kvStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	return driver.IncrementByCAS(ctx, s, key, delta, ttl)
}

func (s *kvStore) Scan(ctx context.Context, prefix string) iter.Seq2[driver.Entry, error] {
	return func(yield func(driver.Entry, error) bool) {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$type", Value: "string"}}}}
		if prefix != "" {
			filter = bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(prefix)}}}}
		}
		es, err := s.find(ctx, filter, 0)
		if err != nil {
			yield(driver.Entry{}, err)
			return
		}
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (s *kvStore) Close() error {
	s.once.Do(func() { close(s.stop) })
	s.done.Wait()
	return nil
}

// As sets target, a **mongo.Collection, and reports whether it could.
func (s *kvStore) As(target any) bool {
	if t, ok := target.(**mongo.Collection); ok {
		*t = s.c
		return true
	}
	return false
}

// mapKVError is the one place where driver errors become kv errors. The
// caller's context error is returned as it is; the driver's error stays
// reachable with errors.As. An error without a kv meaning is
// ErrUnavailable.
func mapKVError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	switch mapped := mapError(ctx, err); {
	case errors.Is(mapped, daodriver.ErrNotFound):
		return fmt.Errorf("%w: %w", driver.ErrNotFound, err)
	case errors.As(mapped, new(*duplicateError)):
		return fmt.Errorf("%w: %w", driver.ErrConflict, err)
	case errors.Is(mapped, daodriver.ErrUnavailable):
		return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
	case errors.Is(mapped, daodriver.ErrInvalidDocument), errors.Is(mapped, daodriver.ErrInvalidFilter):
		return fmt.Errorf("%w: %w", driver.ErrInvalidValue, err)
	case (hasCode(err, codeUnauthorized) || hasCode(err, codeAuthenticationFailed)):
		return fmt.Errorf("%w: %w", driver.ErrUnauthorized, err)
	}
	return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
}

// The server's error codes for a denied operation and refused
// credentials.
const (
	codeUnauthorized         = 13
	codeAuthenticationFailed = 18
)

func hasCode(err error, code int) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(code)
}
