package main

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// TestInterleave checks that both sides make every call of every block,
// alternately and each first in every other block, that the rates follow the time each side
// took, and that an error of either side ends the run.
func TestInterleave(t *testing.T) {
	var order []string
	names := map[string]int{}
	side := func(label string, d time.Duration) func(context.Context, string) error {
		return func(_ context.Context, name string) error {
			if name == "obj-0" {
				order = append(order, label) // a block starts
			}
			names[label+name]++
			time.Sleep(d)
			return nil
		}
	}
	hk, rw, err := interleave(context.Background(), 3, 4, side("hexkit", 2*time.Millisecond), side("raw", time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"raw", "hexkit", "hexkit", "raw", "raw", "hexkit"}; !slices.Equal(order, want) {
		t.Errorf("sides ran in order %v, want %v", order, want)
	}
	if len(names) != 8 || names["rawobj-3"] != 3 || names["hexkitobj-0"] != 3 {
		t.Errorf("calls per side and name = %v, want 4 names a side, 3 calls each", names)
	}
	if hk <= 0 || rw <= 0 || hk >= rw {
		t.Errorf("rates hexkit %v raw %v; want both > 0 and hexkit (2 ms a call) below raw (1 ms)", hk, rw)
	}
	boom := errors.New("boom")
	fail := func(context.Context, string) error { return boom }
	ok := func(context.Context, string) error { return nil }
	if _, _, err := interleave(context.Background(), 2, 2, fail, ok); !errors.Is(err, boom) {
		t.Errorf("interleave with a failing hexkit side = %v, want its error", err)
	}
	if _, _, err := interleave(context.Background(), 2, 2, ok, fail); !errors.Is(err, boom) {
		t.Errorf("interleave with a failing raw side = %v, want its error", err)
	}
}
