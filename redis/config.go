package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/hexkit-go/hexkit"
)

// Config says how to reach a Redis server. The password is a
// [hexkit.Secret]: printing, logging or JSON-encoding a Config never shows
// it.
type Config struct {
	// Addr is host:port. Required.
	Addr string
	// Username is the ACL user. Default: none (the default user).
	Username string
	// Password authenticates the connection. Default: none.
	Password hexkit.Secret
	// DB is the database number. Default 0.
	DB int
	// Timeout bounds dialing and every read and write on the connection:
	// a call fails with kv.ErrUnavailable after at most about this long.
	// Default 5s.
	Timeout time.Duration
}

// DefaultTimeout is the timeout of a Config that sets none.
const DefaultTimeout = 5 * time.Second

// Client is a Redis server that key-value stores live on ([NewKV]), dialed
// by [Open] or wrapped by [New]. It is safe for concurrent use.
type Client struct {
	c     *goredis.Client
	owned bool
}

// Open validates cfg, builds a client and pings the server (within the
// timeout). A problem with cfg wraps [ErrInvalidConfig], a database the
// server does not have included; refused credentials, [ErrUnauthorized];
// a server that does not answer, kv.ErrUnavailable. Close the Client when
// done.
func Open(ctx context.Context, cfg Config) (*Client, error) {
	switch {
	case cfg.Addr == "":
		return nil, fmt.Errorf("%w: Config.Addr is required", ErrInvalidConfig)
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("%w: Config.Timeout %v is negative", ErrInvalidConfig, cfg.Timeout)
	case cfg.DB < 0:
		return nil, fmt.Errorf("%w: Config.DB %d is negative", ErrInvalidConfig, cfg.DB)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	c := goredis.NewClient(&goredis.Options{
		Addr: cfg.Addr, Username: cfg.Username, Password: cfg.Password.Reveal(), DB: cfg.DB,
		DialTimeout: cfg.Timeout, ReadTimeout: cfg.Timeout, WriteTimeout: cfg.Timeout,
		ContextTimeoutEnabled: true,
	})
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, mapError(ctx, err)
	}
	return &Client{c: c, owned: true}, nil
}

// New wraps a client the caller built and keeps owning: Close leaves it
// open. A nil client wraps [ErrInvalidConfig].
func New(c *goredis.Client) (*Client, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil *redis.Client", ErrInvalidConfig)
	}
	return &Client{c: c}, nil
}

// Close closes the client Open built; for a Client made by New it does
// nothing.
func (c *Client) Close() error {
	if !c.owned {
		return nil
	}
	return c.c.Close()
}

// As sets a **goredis.Client target (the go-redis client) and reports
// whether it could.
func (c *Client) As(target any) bool {
	if t, ok := target.(**goredis.Client); ok {
		*t = c.c
		return true
	}
	return false
}
