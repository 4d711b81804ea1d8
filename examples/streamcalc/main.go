// Command streamcalc is hexkit's example service: an arithmetic service that
// consumes multiplication_problem and division_problem events on the topic
// arithmetic_problems and answers each with a calc_success or calc_failure
// event on calc_output (division by zero is a failure event, not a crash).
//
//	go run ./examples/streamcalc        # in-memory broker: demo, then exit
//	STREAMCALC_EVENTS_BACKEND=kafka STREAMCALC_KAFKA_SERVERS=127.0.0.1:9092 \
//		go run ./examples/streamcalc    # Kafka: serve until SIGINT/SIGTERM
//	STREAMCALC_CONFIG_YAML=examples/streamcalc/kafka.yaml \
//		go run ./examples/streamcalc    # the same from a YAML file
//
// It takes no arguments: its configuration comes from .streamcalc.yaml
// (or the file STREAMCALC_CONFIG_YAML names), .env files and STREAMCALC_*
// variables, as package config describes; the keys are listed on
// app.Config.
//
// The code follows the triple hexagonal architecture: package calc is the
// domain core behind its ports, package eventio holds the inbound and
// outbound translators to hexkit's events protocol, and package app is the
// one place that picks the provider, from the configuration alone.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hexkit-go/hexkit/examples/streamcalc/app"
)

const usage = `usage: streamcalc (no arguments)
Configure it with .streamcalc.yaml, STREAMCALC_CONFIG_YAML=<file>, .env files
or STREAMCALC_<KEY> variables; for example STREAMCALC_EVENTS_BACKEND=kafka
STREAMCALC_KAFKA_SERVERS=127.0.0.1:9092 serves on Kafka.`

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
