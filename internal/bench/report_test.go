package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLineFormat(t *testing.T) {
	tests := []struct {
		name        string
		hexkit, raw float64
		want        string
	}{
		{"publish", 95000, 100000, "publish: hexkit=95000 raw=100000 ratio=0.95"},
		{"get", 1234.4, 1000, "get: hexkit=1234 raw=1000 ratio=1.23"},
		{"none", 10, 0, "none: hexkit=10.00 raw=0.00 ratio=0.00"},
		{"slow", 2.345, 2.5, "slow: hexkit=2.35 raw=2.50 ratio=0.94"},
	}
	for _, tt := range tests {
		if got := line(tt.name, tt.hexkit, tt.raw); got != tt.want {
			t.Errorf("line(%q, %v, %v) = %q, want %q", tt.name, tt.hexkit, tt.raw, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCompareAlternatesAndPrintsOneLine(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf, rounds: 3}
	var order []string
	hexkit := func(context.Context) (int, error) { order = append(order, "h"); return 100, nil }
	raw := func(context.Context) (int, error) { order = append(order, "r"); return 100, nil }
	if err := r.compare(context.Background(), "case", hexkit, raw); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ""); got != "rhrhrh" {
		t.Errorf("run order %q, want rhrhrh", got)
	}
	if !regexp.MustCompile(`^case: hexkit=[\d.]+ raw=[\d.]+ ratio=\d+\.\d\d\n$`).MatchString(buf.String()) {
		t.Errorf("output %q does not match the line format", buf.String())
	}
	boom := errors.New("boom")
	err := r.compare(context.Background(), "case", hexkit, func(context.Context) (int, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Errorf("compare error = %v, want it to wrap the side's error", err)
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var d []time.Duration
		for _, x := range v {
			d = append(d, time.Duration(x)*time.Millisecond)
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100 .. 1, unsorted
	}
	for _, tt := range []struct {
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 99, 7 * time.Millisecond},
		{ms(3, 1, 2), 50, 2 * time.Millisecond},
		{ms(4, 1, 3, 2), 50, 2 * time.Millisecond},
		{ms(hundred...), 50, 50 * time.Millisecond},
		{ms(hundred...), 99, 99 * time.Millisecond},
		{ms(hundred...), 100, 100 * time.Millisecond},
		{ms(hundred...), 0, time.Millisecond},
	} {
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
		}
	}
}

func TestLatencyLineFormat(t *testing.T) {
	hexkit := []time.Duration{3 * time.Millisecond, 1500 * time.Microsecond, 12346 * time.Microsecond}
	raw := []time.Duration{800 * time.Microsecond}
	want := "relay delay-p50-ms: hexkit=3.00 raw=0.80 ratio=3.75\nrelay delay-p99-ms: hexkit=12.35 raw=0.80 ratio=15.43"
	if got := latencyLine("relay delay", hexkit, raw); got != want {
		t.Errorf("latencyLine = %q, want %q", got, want)
	}
	var buf bytes.Buffer
	r := &reporter{out: &buf}
	if err := r.latency("relay delay", hexkit, raw); err != nil || buf.String() != want+"\n" {
		t.Errorf("latency printed %q, %v; want %q", buf.String(), err, want+"\n")
	}
}
