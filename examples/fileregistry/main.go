// Command fileregistry is hexkit's second example service, a small file
// registry that uses all three protocols: file records in a DAO, the files'
// bytes in object storage, moved by clients through presigned URLs, and a
// file_registered event for every file that becomes available.
//
//	go run ./examples/fileregistry                      # in memory: demo, then exit
//	go run ./examples/fileregistry -demo=false          # in memory: serve the API on 127.0.0.1:8080
//	eval "$(scripts/servers env)"
//	go run ./examples/fileregistry -backend servers -setup -demo=true   # MongoDB, S3, Kafka
//
// The HTTP API (package httpapi): POST /files {"name","size"} returns a file
// id and a presigned upload form limited to the declared size; the client
// POSTs the bytes with it into a staging object, then POST
// /files/{id}/confirm checks their size, copies them server side to the
// object downloads read, announces the file and makes it available; GET
// /files/{id}/download redirects to a presigned download URL. Uploads never
// write what downloads read, so a confirmed file cannot be replaced with
// the upload form, which stays usable until it expires (see package
// registry).
//
// The code follows the triple hexagonal architecture: package registry is
// the domain core behind its ports, package translators adapts the ports to
// hexkit's dao, objstore and events protocols, package httpapi is the
// inbound translator, and package app is the one place that picks the
// providers. Run with -h for every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/hexkit-go/hexkit/examples/fileregistry/app"
)

func main() {
	cfg, err := app.Load(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	level := slog.LevelWarn
	if !cfg.Demo {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, cfg, os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
