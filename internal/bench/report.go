package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"time"
)

// side runs one side of a case once: it performs its operations and returns
// how many it did.
type side func(ctx context.Context) (ops int, err error)

// reporter measures cases and prints their lines.
type reporter struct {
	out    io.Writer
	rounds int
	only   *regexp.Regexp // cases to run; nil runs all
}

// want reports whether the case name is to run.
func (r *reporter) want(name string) bool { return r.only == nil || r.only.MatchString(name) }

// compare runs raw and hexkit alternately, rounds times each (raw first, so
// any warm-up cost falls on the raw client), and prints the medians.
func (r *reporter) compare(ctx context.Context, name string, hexkit, raw side) error {
	return r.compareTimed(ctx, name, timeAll(hexkit), timeAll(raw))
}

// timedSide is a side that times itself, leaving out its set-up (a new
// topic, a new client): it returns its operations and the time they took.
type timedSide func(ctx context.Context) (ops int, elapsed time.Duration, err error)

// timeAll times the whole of s.
func timeAll(s side) timedSide {
	return func(ctx context.Context) (int, time.Duration, error) {
		start := time.Now()
		ops, err := s(ctx)
		return ops, time.Since(start), err
	}
}

// compareTimed is compare for sides that time themselves.
func (r *reporter) compareTimed(ctx context.Context, name string, hexkit, raw timedSide) error {
	if !r.want(name) {
		return nil
	}
	var hk, rw []float64
	for i := 0; i < max(r.rounds, 1); i++ {
		v, err := measure(ctx, raw)
		if err != nil {
			return fmt.Errorf("%s: raw: %w", name, err)
		}
		rw = append(rw, v)
		if v, err = measure(ctx, hexkit); err != nil {
			return fmt.Errorf("%s: hexkit: %w", name, err)
		}
		hk = append(hk, v)
	}
	return r.print(name, median(hk), median(rw))
}

// print writes the line of a case measured elsewhere.
func (r *reporter) print(name string, hexkit, raw float64) error {
	if !r.want(name) {
		return nil
	}
	_, err := fmt.Fprintln(r.out, line(name, hexkit, raw))
	return err
}

func line(name string, hexkit, raw float64) string {
	ratio := 0.0
	if raw > 0 {
		ratio = hexkit / raw
	}
	return fmt.Sprintf("%s: hexkit=%s raw=%s ratio=%.2f", name, rate(hexkit), rate(raw), ratio)
}

// rate formats ops/s: whole numbers from 100 up, two decimals below, so
// that slow cases (large objects) keep their precision.
func rate(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func measure(ctx context.Context, s timedSide) (float64, error) {
	ops, elapsed, err := s(ctx)
	if err != nil {
		return 0, err
	}
	return float64(ops) / elapsed.Seconds(), nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// latency prints the two lines of a latency case measured elsewhere, in
// the form of every case, with milliseconds in place of ops/s:
//
//	<case>-p50-ms: hexkit=<ms> raw=<ms> ratio=<hexkit/raw>
//	<case>-p99-ms: hexkit=<ms> raw=<ms> ratio=<hexkit/raw>
func (r *reporter) latency(name string, hexkit, raw []time.Duration) error {
	if !r.want(name) {
		return nil
	}
	_, err := fmt.Fprintln(r.out, latencyLine(name, hexkit, raw))
	return err
}

func latencyLine(name string, hexkit, raw []time.Duration) string {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return line(name+"-p50-ms", ms(percentile(hexkit, 50)), ms(percentile(raw, 50))) + "\n" +
		line(name+"-p99-ms", ms(percentile(hexkit, 99)), ms(percentile(raw, 99)))
}

// percentile returns the p-th percentile of d by the nearest-rank method
// (the smallest value with at least p% of the values at or below it), 0
// for no values.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}
