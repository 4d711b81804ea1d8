package events

import (
	"context"
	"math/rand/v2"
	"runtime/debug"
	"time"
)

type attemptKey struct{}

// Attempt returns the number of the current handling attempt of the
// message whose handler received ctx: 1 for the first delivery, 2 for the
// first retry, and so on. It returns 0 for a context that does not come
// from a [FailureHandler].
func Attempt(ctx context.Context) int {
	n, _ := ctx.Value(attemptKey{}).(int)
	return n
}

// callSafely calls h, turning a panic into a *PanicError.
func callSafely(ctx context.Context, h MessageHandler, m *Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return h.HandleMessage(ctx, m)
}

// backoff is an exponential backoff with jitter: the n-th wait (n from 1)
// is initial*2^(n-1), at most max, scaled by a random factor in
// [1-jitter, 1+jitter).
type backoff struct {
	initial, max time.Duration
	jitter       float64
}

func (b backoff) delay(n int) time.Duration {
	d := b.initial
	for i := 1; i < n && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	if b.jitter > 0 && d > 0 {
		d = time.Duration(float64(d) * (1 - b.jitter + 2*b.jitter*rand.Float64()))
	}
	return d
}

// sleepCtx waits d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
