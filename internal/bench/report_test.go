package main

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
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
