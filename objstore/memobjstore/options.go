package memobjstore

import (
	"time"

	"github.com/hexkit-go/hexkit/objstore"
)

// Option configures an in-memory store.
type Option func(*config)

type config struct {
	now   func() time.Time
	addr  string
	store []objstore.Option
}

// WithClock sets the clock that stamps objects and decides whether a
// presigned URL has expired. Default time.Now.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithAddress sets the address the store's HTTP server listens on, which
// its presigned URLs name. Default "127.0.0.1:0" (a free loopback port).
func WithAddress(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithStoreOptions passes options to the portable store (part size, id
// rules, ...). Default: none.
func WithStoreOptions(opts ...objstore.Option) Option {
	return func(c *config) { c.store = append(c.store, opts...) }
}
