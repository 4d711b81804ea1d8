package inbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kv"
)

// Values an Inbox stores under an event's key.
const (
	doneValue   = "done"   // the event was handled
	claimPrefix = "claim:" // followed by a random token: being handled
)

// finishTimeout bounds the store calls made after the handler returned
// (writing the record, releasing the claim). They run even when the
// handler's context has ended, so a shutdown does not leave a handled event
// unrecorded.
const finishTimeout = 10 * time.Second

// claimAttempts bounds how often in a row a delivery tries to claim an
// event whose record vanishes between the failed claim and the read that
// follows.
const claimAttempts = 3

// claimPoll is how often a delivery waiting for another's claim
// ([WithClaimWait]) looks again.
const claimPoll = 100 * time.Millisecond

// Inbox records, per consumer group, the ids of the events its handlers
// handled, in a kv.Store, and skips events it handled before: it makes a
// handler idempotent at the cost of two store writes per event. Use it as
// router middleware ([Inbox.Middleware]). See the package documentation
// for what it guarantees. An Inbox is safe for concurrent use.
type Inbox struct {
	store kv.Store[string]
	group string
	o     options

	handled, duplicates, inProgress, failed, unrecorded, lostClaims atomic.Int64
}

// Stats counts what an [Inbox] did since it was built.
type Stats struct {
	Handled    int64 // events handled and recorded
	Duplicates int64 // events skipped because their record says handled
	InProgress int64 // deliveries refused with ErrInProgress
	Failed     int64 // events whose handler failed (claim released)
	Unrecorded int64 // events handled whose record could not be written
	LostClaims int64 // events whose claim timed out while their handler ran
}

// New returns the inbox of consumer group group, which records handled
// events in store under the key group + "/" + event id. The group is
// usually the subscriber's group, so that each service keeps its own
// records; several inboxes may share one store with different groups.
// group must be non-empty and make valid keys (see kv.CheckKey: no NUL,
// no empty, "." or ".." segment); a bad group fails with an error wrapping
// both [ErrInvalidOption] and kv.ErrInvalidKey. A nil store or an invalid
// option fails with [ErrInvalidOption].
//
// The store must support IfAbsent and IfVersion: every provider of package
// kv does, except S3 servers that ignore conditional writes.
func New(store kv.Store[string], group string, opts ...Option) (*Inbox, error) {
	o, err := buildOptions(opts)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	if store == nil {
		errs = append(errs, fmt.Errorf("%w: nil store", ErrInvalidOption))
	}
	switch {
	case group == "":
		errs = append(errs, fmt.Errorf("%w: empty group: %w: its keys would start with an empty segment", ErrInvalidOption, kv.ErrInvalidKey))
	default:
		if kerr := kv.CheckKey(group + "/" + events.NewEventID()); kerr != nil {
			errs = append(errs, fmt.Errorf("%w: group %q makes invalid keys: %w", ErrInvalidOption, group, kerr))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Inbox{store: store, group: group, o: o}, nil
}

// Group returns the consumer group the inbox records events for.
func (in *Inbox) Group() string { return in.group }

// Key returns the store key under which the inbox records the event with
// the given id: group + "/" + eventID.
func (in *Inbox) Key(eventID string) string { return in.group + "/" + eventID }

// Stats returns the inbox's counters.
func (in *Inbox) Stats() Stats {
	return Stats{
		Handled: in.handled.Load(), Duplicates: in.duplicates.Load(), InProgress: in.inProgress.Load(),
		Failed: in.failed.Load(), Unrecorded: in.unrecorded.Load(), LostClaims: in.lostClaims.Load(),
	}
}

// Middleware returns the router middleware that runs every message through
// the inbox (see [Inbox.Wrap]):
//
//	r := events.NewRouter(events.WithMiddleware(in.Middleware()))
func (in *Inbox) Middleware() events.Middleware {
	return func(next events.MessageHandler) events.MessageHandler { return in.Wrap(next) }
}

// Wrap returns next behind the inbox. For each message it:
//  1. refuses a message whose event id is not a UUID version 4 string with
//     an error wrapping [ErrInvalidEventID] and events.ErrInvalidMessage,
//     without calling next (the message is not acknowledged);
//  2. claims the event: writes a claim under [Inbox.Key] if the key is
//     absent, expiring after the claim timeout ([WithClaimTimeout]);
//  3. when the key is present instead: a record saying handled makes it
//     return nil without calling next (a duplicate, acknowledged, counted
//     and logged at debug level); a live claim makes it return an error
//     wrapping [ErrInProgress], so the message is delivered again later;
//     with [WithClaimWait] it first looks again every 100ms until the
//     claim ends (then it goes back to step 2) or the wait is over;
//  4. calls next; when next fails (or panics) it deletes its claim, if it
//     still holds it, and returns next's error, so a redelivery handles
//     the event again;
//  5. when next succeeds it replaces its claim by the record, expiring
//     after the retention ([WithRetention]), and returns nil. If the claim
//     timed out meanwhile it writes the record anyway, with a warning. If
//     the record cannot be written (the store failed), it logs an error
//     and still returns nil: the event was handled, and acknowledging it
//     keeps this delivery from handling it again.
//
// A store error in steps 2 and 3 is returned (the message is not
// acknowledged); context errors unwrapped. Next runs at most once per call.
func (in *Inbox) Wrap(next events.MessageHandler) events.MessageHandler {
	return events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
		return in.handle(ctx, m, next)
	})
}

func (in *Inbox) handle(ctx context.Context, m *events.Message, next events.MessageHandler) error {
	if m == nil {
		return fmt.Errorf("%w: nil message", ErrInvalidEventID)
	}
	if err := hexkit.ValidateCorrelationID(m.EventID); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidEventID, &events.ValidationError{
			Field: events.HeaderEventID, Value: m.EventID, Reason: "the inbox needs a UUID version 4 event id to record the event"})
	}
	key := in.Key(m.EventID)
	var waitUntil time.Time
	if in.o.claimWait > 0 {
		waitUntil = time.Now().Add(in.o.claimWait)
	}
	vanished := 0
	for {
		claim := newClaim()
		ver, err := in.store.Set(ctx, key, claim, kv.IfAbsent(), kv.WithTTL(in.o.claimTimeout))
		if err == nil {
			return in.run(ctx, m, next, key, ver)
		}
		if !errors.Is(err, kv.ErrConflict) {
			return storeError(err)
		}
		v, err := in.store.Get(ctx, key)
		switch {
		case err == nil && v == doneValue:
			in.duplicates.Add(1)
			in.o.logger.DebugContext(ctx, "inbox: skipping an event handled before",
				"group", in.group, "topic", m.Topic, "type", m.Type, "event_id", m.EventID)
			return nil
		case err == nil: // claimed by another delivery
			vanished = 0
			if wait := time.Until(waitUntil); wait > 0 {
				if err := sleep(ctx, min(wait, claimPoll)); err != nil {
					return err
				}
				continue
			}
			in.inProgress.Add(1)
			return fmt.Errorf("%w: event %s of group %q (topic %q)", ErrInProgress, m.EventID, in.group, m.Topic)
		case errors.Is(err, kv.ErrNotFound): // released or expired in between: claim again
			if vanished++; vanished < claimAttempts {
				continue
			}
			in.inProgress.Add(1)
			return fmt.Errorf("%w: event %s of group %q (topic %q): claimed and released %d times in a row",
				ErrInProgress, m.EventID, in.group, m.Topic, claimAttempts)
		default:
			return storeError(err)
		}
	}
}

// sleep waits d or until ctx ends, and then returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// run calls next under the claim with version ver, then records or
// releases it.
func (in *Inbox) run(ctx context.Context, m *events.Message, next events.MessageHandler, key string, ver kv.Version) error {
	finished := false
	defer func() {
		if !finished { // next panicked: release the claim as the panic goes up
			in.failed.Add(1)
			in.release(ctx, key, ver)
		}
	}()
	err := next.HandleMessage(ctx, m)
	finished = true
	if err != nil {
		in.failed.Add(1)
		in.release(ctx, key, ver)
		return err
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	_, serr := in.store.Set(fctx, key, doneValue, kv.IfVersion(ver), kv.WithTTL(in.o.retention))
	if errors.Is(serr, kv.ErrConflict) {
		in.lostClaims.Add(1)
		in.o.logger.WarnContext(ctx, "inbox: the claim timed out while the handler ran; another delivery may have handled the event too (raise WithClaimTimeout)",
			"group", in.group, "topic", m.Topic, "type", m.Type, "event_id", m.EventID, "claim_timeout", in.o.claimTimeout)
		_, serr = in.store.Set(fctx, key, doneValue, kv.WithTTL(in.o.retention))
	}
	if serr != nil {
		in.unrecorded.Add(1)
		in.o.logger.ErrorContext(ctx, "inbox: the event was handled but its record could not be written; a duplicate would be handled again",
			"group", in.group, "topic", m.Topic, "type", m.Type, "event_id", m.EventID, "error", serr)
		return nil
	}
	in.handled.Add(1)
	return nil
}

// release deletes the claim with version ver under key if it is still
// there, so that a redelivery handles the event at once.
func (in *Inbox) release(ctx context.Context, key string, ver kv.Version) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	e, err := in.store.GetEntry(fctx, key)
	if err == nil && e.Version == ver {
		err = in.store.Delete(fctx, key)
	}
	if err != nil && !errors.Is(err, kv.ErrNotFound) {
		in.o.logger.WarnContext(ctx, "inbox: could not release the claim of a failed event; a redelivery waits for it to time out",
			"group", in.group, "key", key, "error", err)
	}
}

// newClaim returns a claim value unique to one delivery, so that its
// version differs from every other claim's on every store (some derive the
// version from the value).
func newClaim() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails: crypto/rand.Read panics instead
	return claimPrefix + hex.EncodeToString(b[:])
}

// storeError returns a store error as the middleware reports it: context
// errors as they are, others with the package prefix.
func storeError(err error) error {
	if err == context.Canceled || err == context.DeadlineExceeded {
		return err
	}
	return fmt.Errorf("inbox: %w", err)
}
