// Command streamcalc is hexkit's example service: an arithmetic service that
// consumes multiplication_problem and division_problem events on the topic
// arithmetic_problems and answers each with a calc_success or calc_failure
// event on calc_output (division by zero is a failure event, not a crash).
//
//	go run ./examples/streamcalc                          # in-memory broker: demo, then exit
//	go run ./examples/streamcalc -backend kafka           # Kafka: serve until SIGINT/SIGTERM
//	go run ./examples/streamcalc -backend kafka -demo=true -create-topics
//
// The code follows the triple hexagonal architecture: package calc is the
// domain core behind its ports, package eventio holds the inbound and
// outbound translators to hexkit's events protocol, and package app is the
// one place that picks the provider. Run with -h for every flag.
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

	"github.com/hexkit-go/hexkit/examples/streamcalc/app"
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
	if err := app.Run(ctx, cfg, os.Stdout, logger); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
