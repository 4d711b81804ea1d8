package objstore

import (
	"errors"
	"testing"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

func TestCheckParts(t *testing.T) {
	p := func(sizes ...int64) []driver.Part {
		var parts []driver.Part
		for i, s := range sizes {
			parts = append(parts, driver.Part{Number: i + 1, Size: s})
		}
		return parts
	}
	gap := []driver.Part{{Number: 1, Size: 10}, {Number: 3, Size: 10}}
	tests := []struct {
		name  string
		parts []driver.Part
		count int
		size  int64
		ok    bool
	}{
		{"no parts", nil, 0, 0, false},
		{"any parts", p(1, 2, 3), 0, 0, true},
		{"count matches", p(10, 10, 5), 3, 0, true},
		{"count too high", p(10, 10), 3, 0, false},
		{"count too low", p(10, 10, 10), 2, 0, false},
		{"gap", gap, 2, 0, false},
		{"gap without count", gap, 0, 0, true},
		{"sizes match", p(10, 10, 10), 0, 10, true},
		{"last smaller", p(10, 10, 1), 3, 10, true},
		{"single part smaller", p(7), 1, 10, true},
		{"last larger", p(10, 11), 0, 10, false},
		{"middle smaller", p(10, 9, 1), 0, 10, false},
		{"first larger", p(11, 1), 0, 10, false},
	}
	for _, tt := range tests {
		err := checkParts(tt.parts, tt.count, tt.size)
		if got := err == nil; got != tt.ok || (err != nil && !errors.Is(err, ErrPartsMismatch)) {
			t.Errorf("%s: checkParts = %v, want ok=%v (or ErrPartsMismatch)", tt.name, err, tt.ok)
		}
	}
}
