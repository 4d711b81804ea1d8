package memobjstore

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/internal/memdriver"
)

// MaxPostFields is the most bytes (names and values together) the fields
// of a form POST may have before the file, S3's limit: a larger form is
// refused with 400 MaxPostPreDataLengthExceeded before its signature is
// checked, after reading no more than about twice this.
const MaxPostFields = memdriver.MaxPostFields

// New returns an empty in-memory store and starts the HTTP server that
// answers its presigned URLs, on [WithAddress]; Close stops the server.
// An invalid option or an address it cannot listen on fails with an error
// wrapping [ErrInvalidConfig] and objstore.ErrInvalidOption.
func New(opts ...Option) (objstore.Store, error) {
	c := config{addr: "127.0.0.1:0", now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.now == nil {
		return nil, configErr("WithClock(nil)")
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, configErr("listening on %q: %v", c.addr, err)
	}
	d := &served{Driver: memdriver.New(c.now, "http://"+ln.Addr().String())}
	d.srv = &http.Server{Handler: d.Driver, ReadHeaderTimeout: 10 * time.Second}
	s, err := objstore.New(d, c.store...)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	d.done = make(chan error, 1)
	go func() { d.done <- d.srv.Serve(ln) }()
	return s, nil
}

// NewTest returns an empty in-memory store for one test, its presigned
// URLs served on a loopback port, and closes it when the test ends. An
// invalid option fails the test.
func NewTest(tb testing.TB, opts ...Option) objstore.Store {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("memobjstore.NewTest: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("memobjstore: closing the store: %v", err)
		}
	})
	return s
}

// served is the in-memory driver with the HTTP server that answers its
// presigned URLs.
type served struct {
	*memdriver.Driver
	srv  *http.Server
	done chan error
}

// Close stops the HTTP server.
func (d *served) Close() error {
	err := d.srv.Close()
	if serr := <-d.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
