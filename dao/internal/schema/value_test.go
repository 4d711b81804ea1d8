package schema

import (
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao/driver"
)

func TestCompareFollowsBSONOrder(t *testing.T) {
	must := func(x any) driver.Value {
		t.Helper()
		v, err := ValueOf(x)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	s := "s"
	// Each value is smaller than the next.
	ordered := []driver.Value{
		must(nil), must((*string)(nil)),
		must(math.NaN()), must(math.Inf(-1)), must(int64(math.MinInt64)), must(-1.5), must(-1), must(0), must(0.5),
		must(uint8(1)), must(1.5), must(int64(1) << 53), must(int64(1)<<53 + 1), must(float64(math.MaxInt64)),
		must(""), must("A"), must("a"), must(uuid.MustParse("ffffffff-ffff-4fff-bfff-ffffffffffff")), must(&s), must("é"),
		must([]byte{9}), must([]byte{0, 0}),
		must(false), must(true),
		must(time.Time{}), must(time.Unix(0, 0)),
	}
	for i := range ordered {
		for j := range ordered {
			got := driver.Compare(ordered[i], ordered[j])
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if i <= 1 && j <= 1 { // nil and a nil pointer are both null
				continue
			}
			if got != want {
				t.Errorf("driver.Compare(%v, %v) = %d, want %d", ordered[i], ordered[j], got, want)
			}
			if (ordered[i].Key() == ordered[j].Key()) != (want == 0) {
				t.Errorf("Key(%v) = %q and Key(%v) = %q disagree with Compare", ordered[i], ordered[i].Key(), ordered[j], ordered[j].Key())
			}
		}
	}
	if driver.Compare(must(nil), must((*int)(nil))) != 0 {
		t.Error("nil and a nil pointer are both null")
	}
	if driver.Compare(must(1), must(1.0)) != 0 || driver.Compare(must(int8(7)), must(uint32(7))) != 0 {
		t.Error("numbers compare by value across types")
	}
	for _, pair := range [][2]any{{1, 1.0}, {0, math.Copysign(0, -1)}, {int64(-5), float32(-5)}, {math.NaN(), math.NaN()}, {"a", "a"}} {
		if must(pair[0]).Key() != must(pair[1]).Key() {
			t.Errorf("equal values %v and %v have different keys", pair[0], pair[1])
		}
	}
	if must(1.5).Key() == must(1).Key() || must("1").Key() == must(1).Key() {
		t.Error("different values share a key")
	}
	if driver.Compare(must(math.NaN()), must(math.NaN())) != 0 {
		t.Error("NaN equals NaN when sorting")
	}
	tm := time.Date(2020, 1, 1, 0, 0, 0, 999_999, time.FixedZone("x", 3600))
	if v := must(tm); !v.Interface().(time.Time).Equal(tm.Truncate(time.Millisecond)) || v.Interface().(time.Time).Location() != time.UTC {
		t.Errorf("times are kept in UTC at millisecond precision, got %v", v)
	}
	if _, err := ValueOf(uint64(math.MaxUint64)); err == nil {
		t.Error("an unsigned value above the int64 range is refused")
	}
	if _, err := ValueOf(struct{}{}); err == nil {
		t.Error("a struct is not a scalar")
	}
}
