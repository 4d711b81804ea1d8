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
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/fileregistry/httpapi"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/runner"
	"github.com/hexkit-go/hexkit/wiring"
)

// NewRegistry connects the domain core to the backends through the three
// translators.
func NewRegistry(ctx context.Context, cfg Config, b *wiring.Backends) (*registry.Registry, error) {
	records, err := wiring.NewDAO[translators.FileRecord, string](ctx, b.DB, cfg.Collection, translators.RecordOptions()...)
	if err != nil {
		return nil, err
	}
	announcements, err := wiring.NewPublisher[translators.FileRegistered](b.Events, cfg.Topic)
	if err != nil {
		return nil, err
	}
	storage, err := translators.NewStorage(b.Store, cfg.Bucket)
	if err != nil {
		return nil, err
	}
	return registry.New(translators.NewRecords(records), storage, translators.NewAnnouncer(announcements),
		registry.WithMaxSize(cfg.MaxSize))
}

// Run runs the service: it serves the HTTP API on cfg.Listen until ctx
// ends or SIGINT/SIGTERM (a normal stop: it then returns nil), or, in demo
// mode, serves it on a free loopback port, runs the demo against it,
// writes what happened to out and returns. It returns after the API
// stopped and the providers closed. cfg is expected to come from Load,
// which checked it.
func Run(ctx context.Context, cfg Config, out io.Writer, logger *slog.Logger) (err error) {
	logger = slog.New(hexkit.NewLogHandler(logger.Handler(), cfg.ServiceName, cfg.ServiceInstanceID))
	b, err := wiring.Open(ctx, cfg.Service, wiring.WithEvents(cfg.Events), wiring.WithDAO(cfg.DAO), wiring.WithObjStore(cfg.ObjStore))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = cerr
		}
	}()
	// A missing bucket or topic would fail only in a client's hands.
	if err := b.EnsureBucket(ctx, cfg.Bucket, cfg.Setup); err != nil {
		return setupHint(err)
	}
	if err := b.Events.EnsureTopics(ctx, cfg.Setup, 3, cfg.Topic); err != nil {
		return setupHint(err)
	}
	reg, err := NewRegistry(ctx, cfg, b)
	if err != nil {
		return err
	}

	addr := cfg.Listen
	if cfg.DemoMode() {
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
	run, err := runner.New(append(cfg.Config.Options(), runner.WithLogger(logger))...)
	if err != nil {
		ln.Close()
		return err
	}
	_ = run.Add("http", runner.HTTPServer(srv, ln))
	_ = run.AddCheck("backends", b.Ready)
	apiURL := "http://" + ln.Addr().String()
	if cfg.DemoMode() {
		_ = run.Add("demo", runner.Func(func(ctx context.Context) error {
			return runDemo(ctx, cfg, b, apiURL, out, logger)
		}))
	}
	logger.InfoContext(ctx, "fileregistry running", "events", b.Events.Backend(), "dao", b.DB.Backend(),
		"api", apiURL, "bucket", cfg.Bucket, "topic", cfg.Topic)
	err = run.Run(ctx)
	logger.InfoContext(ctx, "fileregistry stopped")
	return err
}

// setupHint adds how to let the service create a missing bucket or topic.
func setupHint(err error) error {
	if errors.Is(err, objstore.ErrBucketNotFound) || errors.Is(err, events.ErrTopicNotFound) {
		return fmt.Errorf("fileregistry: %w; set setup: true (FILEREGISTRY_SETUP=true) to create it", err)
	}
	return err
}
