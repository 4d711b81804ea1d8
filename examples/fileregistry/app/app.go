package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/fileregistry/httpapi"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
)

// shutdownTimeout bounds the graceful shutdown of the HTTP API.
const shutdownTimeout = 10 * time.Second

// NewRegistry connects the domain core to the backend through the three
// translators.
func NewRegistry(cfg Config, b *Backend) (*registry.Registry, error) {
	storage, err := translators.NewStorage(b.Store, cfg.Bucket)
	if err != nil {
		return nil, err
	}
	return registry.New(translators.NewRecords(b.Records), storage, translators.NewAnnouncer(b.Announcements),
		registry.WithMaxSize(cfg.MaxSize))
}

// Run runs the service: it serves the HTTP API on cfg.Listen until ctx
// ends (a normal stop: it then returns nil), or, in demo mode, serves it on a free loopback port, runs the demo
// against it, writes what happened to out and returns. It returns after the
// API stopped and the providers closed.
func Run(ctx context.Context, cfg Config, out io.Writer, logger *slog.Logger) (err error) {
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger = slog.New(hexkit.NewLogHandler(logger.Handler(), cfg.ServiceName, cfg.InstanceID))
	b, err := OpenBackend(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = cerr
		}
	}()
	reg, err := NewRegistry(cfg, b)
	if err != nil {
		return err
	}

	addr := cfg.Listen
	if cfg.Demo {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("fileregistry: listening on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           httpapi.New(reg, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	apiURL := "http://" + ln.Addr().String()
	logger.InfoContext(ctx, "fileregistry running", "backend", cfg.Backend, "api", apiURL,
		"bucket", cfg.Bucket, "topic", cfg.Topic)

	// A stop by ctx is the normal end of a service: it returns nil.
	var runErr error
	serveReturned := false
	if cfg.Demo {
		runErr = runDemo(ctx, cfg, b, apiURL, out, logger)
	} else {
		select {
		case <-ctx.Done():
		case runErr = <-served:
			serveReturned = true
		}
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	shutErr := srv.Shutdown(shutCtx)
	if !serveReturned {
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
			shutErr = errors.Join(shutErr, serr)
		}
	}
	logger.InfoContext(ctx, "fileregistry stopped")
	return errors.Join(runErr, shutErr)
}
