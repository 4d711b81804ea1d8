// Command fileregistry is hexkit's second example service, a small file
// registry that uses all three protocols: file records in a DAO, the files'
// bytes in object storage, moved by clients through presigned URLs, and a
// file_registered event for every file that becomes available.
//
//	go run ./examples/fileregistry                       # in memory: demo, then exit
//	FILEREGISTRY_DEMO=false go run ./examples/fileregistry # in memory: serve the API on 127.0.0.1:8080
//	FILEREGISTRY_CONFIG_YAML=examples/fileregistry/servers.yaml \
//		go run ./examples/fileregistry                   # MongoDB, S3, Kafka of scripts/servers: demo
//
// It takes no arguments: its configuration comes from .fileregistry.yaml
// (or the file FILEREGISTRY_CONFIG_YAML names), .env files and
// FILEREGISTRY_* variables, as package config describes; the keys are
// listed on app.Config.
//
// The HTTP API (package httpapi): POST /files {"name","size"} returns a file
// id and a presigned upload form limited to the declared size (one byte for
// an empty file, which the confirmation then refuses); the client
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
// providers, from the configuration alone.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hexkit-go/hexkit/examples/fileregistry/app"
)

const usage = `usage: fileregistry (no arguments)
Configure it with .fileregistry.yaml, FILEREGISTRY_CONFIG_YAML=<file>, .env
files or FILEREGISTRY_<KEY> variables; for example
FILEREGISTRY_CONFIG_YAML=examples/fileregistry/servers.yaml runs the demo on
the servers of scripts/servers.`

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, usage)
		if a := os.Args[1]; a == "-h" || a == "-help" || a == "--help" {
			return
		}
		os.Exit(2)
	}
	cfg, err := app.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	level := slog.LevelWarn
	if !cfg.DemoMode() {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := app.Run(context.Background(), cfg, os.Stdout, logger); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
