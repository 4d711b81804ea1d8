// Command bench runs hexkit next to the raw client it wraps, in one run on
// the same server, and prints one line per case:
//
//	<case>: hexkit=<ops/s> raw=<ops/s> ratio=<hexkit/raw>
//
// A case that measures delays rather than throughput prints two lines of
// the same form, <case>-p50-ms and <case>-p99-ms, with the percentile in
// milliseconds in place of ops/s, and a case that measures memory (its
// name ends in -MiB) MiB in place of ops/s; for both, lower is better.
//
// Usage:
//
//	go run ./internal/bench [-rounds n] [-run regexp] <suite>
//
// Each suite reads its server from the same environment variables as the
// tests (eval "$(scripts/servers env)"). Suites are added by the protocol
// packages as their providers land; run without arguments to list them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"sort"
	"strings"
)

// suite runs every case of one provider and reports each through r.
type suite func(ctx context.Context, r *reporter) error

// suites lists the benchmark suites by name. Each provider adds its own.
var suites = map[string]suite{
	"python": pythonSuite,
	"kafka":  kafkaSuite,
	"s3":     benchS3,
	"mongo":  benchMongo,
	"kv":     benchKV,
	"inbox":  benchInbox,
	"outbox": benchOutbox,
}

func main() {
	if which := os.Getenv(childEnv); which != "" { // a consumer child of the kafka suite
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		if err := consumeChild(ctx, which); err != nil {
			fmt.Fprintln(os.Stderr, "bench child:", err)
			os.Exit(1)
		}
		return
	}
	rounds := flag.Int("rounds", 3, "alternating rounds per side; the median is reported")
	run := flag.String("run", "", "run only the cases whose name matches this regular expression")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Usage = usage
	flag.Parse()
	if flag.NArg() != 1 {
		usage()
		os.Exit(2)
	}
	only, err := compileRun(*run)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: -run:", err)
		os.Exit(2)
	}
	suiteFn, ok := suites[flag.Arg(0)]
	if !ok {
		fmt.Fprintf(os.Stderr, "bench: unknown suite %q\n", flag.Arg(0))
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench: -cpuprofile:", err)
			os.Exit(2)
		}
		defer pprof.StopCPUProfile()
	}
	r := &reporter{out: os.Stdout, rounds: *rounds, only: only}
	if err := suiteFn(ctx, r); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func usage() {
	names := make([]string, 0, len(suites))
	for name := range suites {
		names = append(names, name)
	}
	sort.Strings(names)
	list := strings.Join(names, ", ")
	if list == "" {
		list = "none yet"
	}
	fmt.Fprintf(os.Stderr, "usage: go run ./internal/bench [-rounds n] [-run regexp] <suite>\nsuites: %s\n", list)
	flag.PrintDefaults()
}

// compileRun compiles the -run expression; the empty one selects all.
func compileRun(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	return regexp.Compile(expr)
}
