package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit"
)

// Config configures [Open].
type Config struct {
	// URI is the connection string, e.g. mongodb://user:pass@host:27017/.
	// It may carry credentials, so it never prints. Required.
	URI hexkit.Secret
	// Database is the database the DAOs live in. Required: 1 to 63 ASCII
	// letters, digits, '_' or '-', not starting with "_ferretdb_", the
	// names that MongoDB and FerretDB both accept.
	Database string
	// Timeout bounds every call, including waiting for an unreachable
	// server, even when the caller's context allows longer: a call fails
	// with dao.ErrUnavailable after at most this long. Default 10s.
	Timeout time.Duration
}

// DefaultTimeout is the call timeout when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// DB is a MongoDB database that DAOs live in ([NewDAO]), dialed by [Open]
// or wrapped by [New]. It is safe for concurrent use.
type DB struct {
	client *mongo.Client // set by Open, which owns it
	db     *mongo.Database
	// timeout bounds every call (0: no bound of hexkit's own). clientBound
	// says that the client applies it already to contexts without a
	// deadline, as a client made by Open does.
	timeout     time.Duration
	clientBound bool

	// The outbox's state shared by every value built on this DB (see
	// outbox.go): the write stripes of each outbox collection, the event
	// store of each collection of persistent events, and the lock of the
	// relay leases. outboxMu guards the maps.
	outboxMu    sync.Mutex
	outboxLocks map[string]*stripes
	// writeLocks holds the write stripes of each collection of plain DAOs
	// and key-value stores (see writeStripes); outboxMu guards it too.
	writeLocks  map[string]*stripes
	eventStores map[string]*eventStore
	leaseMu     sync.Mutex
	// server is what buildInfo told of the server (see twoStep): 0 not
	// asked yet, 1 MongoDB, 2 FerretDB.
	server atomic.Int32
}

// Open validates cfg, creates a client for its URI with the call timeout
// set, and pings the server (within the timeout). Problems with cfg wrap
// [ErrInvalidConfig]; a server that does not answer, dao.ErrUnavailable.
// Close the DB when done: it disconnects the client.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	switch {
	case cfg.URI.IsZero():
		return nil, fmt.Errorf("%w: Config.URI is required", ErrInvalidConfig)
	case cfg.Database == "":
		return nil, fmt.Errorf("%w: Config.Database is required", ErrInvalidConfig)
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("%w: Config.Timeout %v is negative", ErrInvalidConfig, cfg.Timeout)
	}
	if err := checkDatabaseName(cfg.Database); err != nil {
		return nil, fmt.Errorf("%w: Config.Database: %w", ErrInvalidConfig, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	opts := options.Client().ApplyURI(cfg.URI.Reveal()).
		SetTimeout(cfg.Timeout).
		SetServerSelectionTimeout(cfg.Timeout).
		SetConnectTimeout(cfg.Timeout).
		SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true})
	if err := opts.Validate(); err != nil {
		// The driver's message may quote the URI: do not wrap it.
		return nil, fmt.Errorf("%w: Config.URI is not a valid connection string", ErrInvalidConfig)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot create a client for Config.URI", ErrInvalidConfig)
	}
	d := &DB{client: c, db: c.Database(cfg.Database), timeout: cfg.Timeout, clientBound: true}
	pctx, cancel := d.bound(ctx)
	defer cancel()
	if err := c.Ping(pctx, nil); err != nil {
		_ = c.Disconnect(context.WithoutCancel(ctx))
		return nil, mapError(ctx, err)
	}
	return d, nil
}

// Option configures [New], which checks every option it is given and fails
// with an error wrapping [ErrInvalidConfig] naming each invalid one.
type Option func(*dbOptions)

type dbOptions struct {
	timeout time.Duration
	err     error // the invalid options, joined
}

// WithTimeout bounds every call of the DAOs on the DB, even when the
// caller's context allows longer: a call fails with dao.ErrUnavailable
// after at most d. Default: no bound of hexkit's own (the client's
// settings and the caller's context apply). d must be positive.
func WithTimeout(d time.Duration) Option {
	return func(o *dbOptions) {
		if d <= 0 {
			o.err = errors.Join(o.err, fmt.Errorf("%w: WithTimeout(%v) must be positive", ErrInvalidConfig, d))
			return
		}
		o.timeout = d
	}
}

// New wraps a database of a client the caller built and keeps owning (with
// any options: the DAOs encode and decode with their own settings).
// Close does not disconnect it. A nil database, one whose name is not a
// name that MongoDB and FerretDB both accept (see Config.Database), or an
// invalid option wraps [ErrInvalidConfig].
func New(db *mongo.Database, opts ...Option) (*DB, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil *mongo.Database", ErrInvalidConfig)
	}
	if err := checkDatabaseName(db.Name()); err != nil {
		return nil, fmt.Errorf("%w: the database name: %w", ErrInvalidConfig, err)
	}
	var o dbOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.err != nil {
		return nil, o.err
	}
	return &DB{db: db, timeout: o.timeout}, nil
}

// Close disconnects the client Open made, after which the DB's DAOs fail
// with dao.ErrUnavailable; for a DB made by New it does nothing (the
// caller owns the client).
func (d *DB) Close(ctx context.Context) error {
	if d.client == nil {
		return nil
	}
	return mapError(ctx, d.client.Disconnect(ctx))
}

// As sets target, a **mongo.Database or a **mongo.Client (only for a DB
// made by Open), and reports whether it could.
func (d *DB) As(target any) bool {
	switch t := target.(type) {
	case **mongo.Database:
		*t = d.db
		return true
	case **mongo.Client:
		if d.client != nil {
			*t = d.client
			return true
		}
	}
	return false
}

// maxDatabaseName is the longest database name (FerretDB's limit; MongoDB's
// is 63 bytes too).
const maxDatabaseName = 63

// checkDatabaseName returns nil for a database name that MongoDB and
// FerretDB both accept: 1 to 63 ASCII letters, digits, '_' or '-' (FerretDB
// accepts no other byte; MongoDB refuses '.', ' ', '$' and others), not
// starting with "_ferretdb_" (reserved by FerretDB).
func checkDatabaseName(name string) error {
	switch {
	case name == "":
		return errors.New("empty database name")
	case len(name) > maxDatabaseName:
		return fmt.Errorf("database name of %d bytes, more than %d", len(name), maxDatabaseName)
	case strings.HasPrefix(name, "_ferretdb_"):
		return fmt.Errorf("database name %q starts with the reserved prefix _ferretdb_", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("database name %q holds %q: want ASCII letters, digits, '_' or '-'", name, c)
		}
	}
	return nil
}

func noCancel() {}

// bound returns ctx limited to the DB's timeout when the caller's context
// would allow longer and nothing else enforces it. It allocates only then.
func (d *DB) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if d.timeout <= 0 {
		return ctx, noCancel
	}
	if dl, ok := ctx.Deadline(); ok {
		if time.Until(dl) <= d.timeout {
			return ctx, noCancel
		}
	} else if d.clientBound {
		return ctx, noCancel
	}
	return context.WithTimeout(ctx, d.timeout)
}
