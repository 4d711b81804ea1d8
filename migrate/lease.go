package migrate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/migrate/driver"
)

// lease is the lock a migrator holds: valid until validUntil less a
// margin, renewed every dur/4 while the steps run.
type lease struct {
	d     driver.Driver
	owner string
	dur   time.Duration

	mu         sync.Mutex
	validUntil time.Time // local clock: when the last renewal was sent + dur
	lost       error
}

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// acquire takes the lock, or the lock of a migrator whose lease expired;
// it returns nil when another migrator holds it, and the expired lease it
// took over, if any.
func acquire(ctx context.Context, d driver.Driver, dur time.Duration) (*lease, *driver.Lease, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	t := now()
	next := driver.Lease{Owner: hex.EncodeToString(b[:]), AcquiredAt: t, ExpiresAt: t.Add(dur)}
	l := &lease{d: d, owner: next.Owner, dur: dur, validUntil: t.Add(dur)}
	err := d.Acquire(ctx, next)
	if err == nil {
		return l, nil, nil
	}
	if !errors.Is(err, driver.ErrLocked) {
		return nil, nil, err
	}
	old, ok, err := d.Lock(ctx)
	if err != nil || !ok {
		return nil, nil, err
	}
	// A lock without a lease (written by Python hexkit) is held until its
	// holder deletes it.
	if old.ExpiresAt.IsZero() || t.Before(old.ExpiresAt) {
		return nil, nil, nil
	}
	switch err := d.TakeOver(ctx, old, next); {
	case errors.Is(err, driver.ErrLocked):
		return nil, nil, nil
	case err != nil:
		return nil, nil, err
	}
	return l, &old, nil
}

func (l *lease) margin() time.Duration { return l.dur / 5 }

// fail marks the lease lost and returns the error to report.
func (l *lease) fail(why string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lost == nil {
		l.lost = fmt.Errorf("%w: %s", driver.ErrLockLost, why)
	}
	return l.lost
}

// check returns an error wrapping ErrLockLost when the lease is lost or
// about to expire.
func (l *lease) check(ctx context.Context) error {
	l.mu.Lock()
	lost, vu := l.lost, l.validUntil
	l.mu.Unlock()
	switch {
	case lost != nil:
		return lost
	case !time.Now().Before(vu.Add(-l.margin())):
		return l.fail("lease not renewed in time")
	}
	return nil
}

// cause returns the lost lease's error instead of err when the lease's
// loss cancelled ctx.
func (l *lease) cause(ctx context.Context, err error) error {
	if lerr := l.check(ctx); lerr != nil {
		return lerr
	}
	return err
}

// renew extends the lease once; a transient failure is tolerated as long
// as the lease is still valid.
func (l *lease) renew() error {
	sent := time.Now()
	if err := l.check(context.Background()); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.dur/4)
	defer cancel()
	err := l.d.Renew(ctx, l.owner, sent.UTC().Truncate(time.Millisecond).Add(l.dur))
	switch {
	case err == nil:
		l.mu.Lock()
		l.validUntil = sent.Add(l.dur)
		l.mu.Unlock()
		return nil
	case errors.Is(err, driver.ErrLockLost):
		return l.fail("another migrator took the lock over")
	}
	return nil // check fails at the next tick if renewals keep failing
}

// watch renews the lease until stop is called; the returned context is
// cancelled when the lease is lost.
func (l *lease) watch(ctx context.Context) (context.Context, func()) {
	run, cancel := context.WithCancelCause(ctx)
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(l.dur / 4)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := l.renew(); err != nil {
					cancel(err)
					return
				}
			}
		}
	}()
	return run, func() {
		close(done)
		<-stopped
		cancel(nil)
	}
}

// release deletes the lock unless the lease is lost or about to expire (a
// late delete could remove the lock of a migrator that took it over).
func (l *lease) release(ctx context.Context) error {
	if l.check(ctx) != nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.dur)
	defer cancel()
	return l.d.Release(rctx, l.owner)
}
