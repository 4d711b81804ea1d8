package mongo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Secret is a string that never prints: fmt, slog and encoding/json show
// it as "[redacted]". Read it with Value.
type Secret string

const redacted = "[redacted]"

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]", for %#v.
func (s Secret) GoString() string { return redacted }

// Format prints "[redacted]" whatever the verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue returns "[redacted]" for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON encodes "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// MarshalText encodes "[redacted]".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Config configures [Connect].
type Config struct {
	// URI is the connection string, e.g. mongodb://user:pass@host:27017/.
	// It may carry credentials, so it never prints. Required.
	URI Secret
	// Database is the database the DAOs live in. Required.
	Database string
	// Timeout bounds every operation, including waiting for an unreachable
	// server: a call fails with dao.ErrUnavailable after at most this long.
	// Default 10s.
	Timeout time.Duration
}

// DefaultTimeout is the operation timeout when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Client is a connection made by [Connect].
type Client struct {
	client *mongo.Client
	db     *mongo.Database
}

// Connect validates cfg and creates a client for its URI with the
// operation timeout set (the driver connects lazily; an unreachable server
// shows up as dao.ErrUnavailable on the first call). Close it when done.
func Connect(cfg Config) (*Client, error) {
	if cfg.URI == "" {
		return nil, errors.New("mongo: Config.URI is required")
	}
	if cfg.Database == "" {
		return nil, errors.New("mongo: Config.Database is required")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("mongo: Config.Timeout %v is negative", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	opts := options.Client().ApplyURI(cfg.URI.Value()).
		SetTimeout(cfg.Timeout).
		SetServerSelectionTimeout(cfg.Timeout).
		SetConnectTimeout(cfg.Timeout).
		SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true})
	if err := opts.Validate(); err != nil {
		// The driver's message may quote the URI: do not wrap it.
		return nil, errors.New("mongo: Config.URI is not a valid connection string")
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, errors.New("mongo: cannot create a client for Config.URI")
	}
	return &Client{client: c, db: c.Database(cfg.Database)}, nil
}

// Database returns the configured database, to pass to [NewDAO].
func (c *Client) Database() *mongo.Database { return c.db }

// Client returns the driver client, for what hexkit does not cover.
func (c *Client) Client() *mongo.Client { return c.client }

// Close disconnects the client.
func (c *Client) Close(ctx context.Context) error {
	return mapErr(ctx, c.client.Disconnect(ctx))
}
