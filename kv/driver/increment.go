package driver

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// IncrementByCAS implements Store.Increment for a driver whose backend has
// no native increment: it reads the entry, adds delta and writes the sum
// with Condition IfVersion (IfAbsent for a new key), retrying on
// ErrConflict until it wins or ctx ends. A conflict marked with
// [PermanentConflict] is returned at once: retrying cannot resolve it.
func IncrementByCAS(ctx context.Context, s Store, key string, delta int64, ttl time.Duration) (int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		w := Write{Key: key, TTL: ttl, Condition: IfAbsent}
		var n int64
		e, err := s.Get(ctx, key)
		switch {
		case err == nil:
			if n, err = ParseInt(e.Value); err != nil {
				return 0, err
			}
			w.Condition, w.Version, w.TTL, w.ExpiresAt = IfVersion, e.Version, 0, e.ExpiresAt
		case !errors.Is(err, ErrNotFound):
			return 0, err
		}
		sum, err := AddInt(n, delta)
		if err != nil {
			return 0, err
		}
		w.Value = strconv.AppendInt(nil, sum, 10)
		if _, err := s.Set(ctx, w); err == nil {
			return sum, nil
		} else if !errors.Is(err, ErrConflict) || IsPermanentConflict(err) {
			return 0, err
		}
	}
}

// ParseInt parses a stored counter: a decimal int64 in the form
// strconv.FormatInt writes (an optional '-', then digits without leading
// zeros; "-0" and a '+' sign are refused), which is what Redis's INCRBY
// accepts. Anything else is ErrInvalidValue.
func ParseInt(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || len(b) != len(strconv.AppendInt(make([]byte, 0, 20), n, 10)) {
		return 0, fmt.Errorf("%w: stored value %.32q is not a decimal int64 as strconv.FormatInt writes it", ErrInvalidValue, b)
	}
	return n, nil
}

// AddInt returns n+delta, or ErrInvalidValue when the sum overflows int64.
func AddInt(n, delta int64) (int64, error) {
	if (delta > 0 && n > math.MaxInt64-delta) || (delta < 0 && n < math.MinInt64-delta) {
		return 0, fmt.Errorf("%w: %d%+d overflows int64", ErrInvalidValue, n, delta)
	}
	return n + delta, nil
}

// PermanentConflict marks err, an error wrapping ErrConflict, as a
// conflict that no retry resolves: the backend refuses the key whatever
// its entry holds (an S3 server keeping objects as files refuses "a/b"
// while "a" is stored, and "a" while "a/b" is). [IncrementByCAS] returns
// such an error at once instead of retrying. The result still matches
// ErrConflict and whatever err matches.
func PermanentConflict(err error) error { return permanentConflict{err} }

// IsPermanentConflict reports whether err was marked by
// [PermanentConflict].
func IsPermanentConflict(err error) bool { return errors.As(err, new(permanentConflict)) }

type permanentConflict struct{ err error }

func (p permanentConflict) Error() string { return p.err.Error() }
func (p permanentConflict) Unwrap() error { return p.err }
