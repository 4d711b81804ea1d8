package wiring

import (
	"context"
	"errors"
	"fmt"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/internal/collname"
	"github.com/hexkit-go/hexkit/mongo"
)

// DAO is the configuration section of the dao protocol.
type DAO struct {
	// DAOBackend is memory (default) or mongo.
	DAOBackend string `yaml:"dao_backend"`
	// MongoDSN is the connection string, mongodb://user:pass@host:27017/.
	// Required by mongo.
	MongoDSN hexkit.Secret `yaml:"mongo_dsn"`
	// DBName is the database the DAOs live in. Required by mongo.
	DBName string `yaml:"db_name"`
	// MongoTimeout bounds every call (a number is seconds, as in Python).
	// Default 10s.
	MongoTimeout time.Duration `yaml:"mongo_timeout"`
}

// Validate implements config.Validator.
func (d DAO) Validate() error {
	var errs []error
	switch d.DAOBackend {
	case "", Memory:
	case Mongo:
		if d.MongoDSN.IsZero() {
			errs = append(errs, config.Invalid("mongo_dsn", "the mongo backend needs a connection string"))
		}
		if d.DBName == "" {
			errs = append(errs, config.Invalid("db_name", "the mongo backend needs a database name"))
		}
	default:
		errs = append(errs, config.Invalid("dao_backend", "%w %q (want memory or mongo)", errUnknownBackend, d.DAOBackend))
	}
	if d.MongoTimeout < 0 {
		errs = append(errs, config.Invalid("mongo_timeout", "must not be negative"))
	}
	return errors.Join(errs...)
}

// DB is the dao provider the configuration chose: MongoDB, or nothing to
// open for the memory DAOs. DAOs come from [NewDAO].
type DB struct {
	mongo *mongo.DB
	mem   memStores // in-memory event stores of persistent publishers
}

// OpenDB opens the provider cfg names. It does not check cfg; config.Load
// does.
func OpenDB(ctx context.Context, cfg DAO) (*DB, error) {
	switch cfg.DAOBackend {
	case "", Memory:
		return &DB{}, nil
	case Mongo:
		db, err := mongo.Open(ctx, mongo.Config{URI: cfg.MongoDSN, Database: cfg.DBName, Timeout: cfg.MongoTimeout})
		if err != nil {
			return nil, err
		}
		return &DB{mongo: db}, nil
	}
	return nil, fmt.Errorf("wiring: dao_backend: %w %q", errUnknownBackend, cfg.DAOBackend)
}

// Backend returns memory or mongo.
func (d *DB) Backend() string {
	if d.mongo != nil {
		return Mongo
	}
	return Memory
}

// NewDAO returns the DAO of T documents in collection: a MongoDB
// collection, or a new, empty memory DAO (each call its own). Both
// backends refuse the collection names that MongoDB or FerretDB refuse
// (see package mongo's Collection names) with an error wrapping
// mongo.ErrInvalidConfig and dao.ErrInvalidOption.
func NewDAO[T any, ID comparable](ctx context.Context, db *DB, collection string, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
	if db.mongo != nil {
		return mongo.NewDAO[T, ID](ctx, db.mongo, collection, opts...)
	}
	if err := checkCollection(collection, dao.ErrInvalidOption); err != nil {
		return nil, err
	}
	return memdao.New[T, ID](opts...)
}

// checkCollection applies the MongoDB provider's rule for collection
// names to the memory backend, with the errors that provider returns.
func checkCollection(name string, protocolErr error) error {
	if err := collname.Check(name); err != nil {
		return fmt.Errorf("%w: %w: %w", mongo.ErrInvalidConfig, protocolErr, err)
	}
	return nil
}

// Ready returns nil when MongoDB answers a ping; the memory backend is
// always ready.
func (d *DB) Ready(ctx context.Context) error {
	if d.mongo == nil {
		return nil
	}
	var db *driver.Database
	if !d.mongo.As(&db) {
		return fmt.Errorf("%w: no MongoDB database", ErrNotReady)
	}
	if err := db.Client().Ping(ctx, nil); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %w: %w", ErrNotReady, dao.ErrUnavailable, err)
	}
	return nil
}

// As reaches the provider: a **mongo.DB (nil on memory: false).
func (d *DB) As(target any) bool {
	if t, ok := target.(**mongo.DB); ok && d.mongo != nil {
		*t = d.mongo
		return true
	}
	return false
}

// Close closes the MongoDB client.
func (d *DB) Close(ctx context.Context) error {
	if d.mongo != nil {
		return d.mongo.Close(ctx)
	}
	return nil
}
