package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/hexkit-go/hexkit/dao"
)

// Applier applies events to the documents of a DAO so that the effect of
// an event and the record that it was applied are one document write: the
// document keeps the ids of the last events applied to it (see [WithKeep])
// in a field of its own. An event is thus applied to a document exactly
// once, even when the process crashes between the write and the
// acknowledgement of the event, as long as its id is among the ids the
// document keeps. See the package documentation for the exact guarantee.
//
// The DAO must be built with dao.WithVersionField: each write is
// conditional on the version read, so two concurrent applications to one
// document never overwrite each other. An Applier is safe for concurrent
// use.
type Applier[T any, ID comparable] struct {
	d       dao.DAO[T, ID]
	idOf    func(*T) *ID
	applied func(*T) *[]string
	o       applierOptions

	notVersioned atomic.Bool
	ok, dups     atomic.Int64
	retries      atomic.Int64
}

// ApplierStats counts what an [Applier] did since it was built.
type ApplierStats struct {
	Applied    int64 // events applied and written
	Duplicates int64 // events skipped because the document lists their id
	Retries    int64 // writes tried again after a conflict with a concurrent writer
}

// NewApplier returns an Applier over d. id and applied return pointers to
// the id field and to the applied-events field of a document: the latter
// is a []string field with a json tag, such as
//
//	Applied []string `json:"applied_events,omitempty"`
//
// which the Applier alone writes. d must be built with dao.WithVersionField;
// the Applier cannot see that here, and finds out at the first update of a
// stored document (see [ErrNotVersioned]). A nil d, id or applied, or an
// invalid option, fails with [ErrInvalidOption].
func NewApplier[T any, ID comparable](d dao.DAO[T, ID], id func(*T) *ID, applied func(*T) *[]string, opts ...ApplierOption) (*Applier[T, ID], error) {
	o, err := buildApplierOptions(opts)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	if d == nil || id == nil || applied == nil {
		errs = append(errs, fmt.Errorf("%w: NewApplier needs a DAO, an id accessor and an applied-events accessor", ErrInvalidOption))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Applier[T, ID]{d: d, idOf: id, applied: applied, o: o}, nil
}

// Stats returns the applier's counters.
func (a *Applier[T, ID]) Stats() ApplierStats {
	return ApplierStats{Applied: a.ok.Load(), Duplicates: a.dups.Load(), Retries: a.retries.Load()}
}

// Apply applies the event eventID to the document with the given id:
//  1. it reads the document; when there is none (dao.ErrNotFound) it
//     starts from the zero T with its id set to id;
//  2. if the document lists eventID among its applied events, it returns
//     (false, nil): a duplicate, nothing is called or written;
//  3. it calls fn with the document and whether it was found; fn changes
//     the document in place (and must not change its id); an error from
//     fn is returned as it is, at once (never retried, even when it wraps
//     a dao sentinel), and nothing is written;
//  4. it appends eventID to the document's applied events, dropping the
//     oldest ones beyond [WithKeep], and writes the document: Insert when
//     it was not found, otherwise Update, which succeeds only if the
//     document still has the version read in step 1;
//  5. when the write conflicts with a concurrent one (dao.ErrConflict,
//     dao.ErrAlreadyExists, or dao.ErrNotFound for a document deleted in
//     between), it waits (1ms, doubling up to 100ms) and starts again at
//     step 1, up to [WithAttempts] times in all, and then returns the
//     conflict error;
//  6. it returns (true, nil) once the write succeeded.
//
// So fn may run more than once for one call (once per attempt, on a fresh
// copy of the document each time): it must only change the document, and
// do nothing else that cannot be repeated.
//
// eventID must be non-empty valid UTF-8 without NUL, at most
// [MaxEventIDLen] bytes ([ErrInvalidEventID]); a nil fn fails with
// [ErrInvalidOption]. A change of the id by fn fails with [ErrIDChanged].
// The first Update that reveals a DAO without a version field returns
// (true, error wrapping [ErrNotVersioned]): that write took place, and
// every later call fails with ErrNotVersioned without touching the DAO.
// Other errors are the DAO's (test with the dao sentinels); context errors
// are returned unwrapped. After an error other than ErrNotVersioned nothing
// was written, except that after dao.ErrUnavailable or a context error the
// write may or may not have taken place; a redelivery of the event finds
// out, since the document then lists it.
func (a *Applier[T, ID]) Apply(ctx context.Context, eventID string, id ID, fn func(doc *T, found bool) error) (applied bool, err error) {
	if err := checkEventID(eventID); err != nil {
		return false, err
	}
	if fn == nil {
		return false, fmt.Errorf("%w: Apply: nil function", ErrInvalidOption)
	}
	wait := time.Millisecond
	for attempt := 1; ; attempt++ {
		if a.notVersioned.Load() {
			return false, ErrNotVersioned
		}
		applied, err := a.try(ctx, eventID, id, fn)
		var ferr fnError
		if errors.As(err, &ferr) {
			return false, ferr.err // fn's own error, whatever it wraps, is no conflict
		}
		if err == nil || !conflict(err) || attempt >= a.o.attempts {
			return applied, err
		}
		a.retries.Add(1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// try is one read, apply and write of Apply.
func (a *Applier[T, ID]) try(ctx context.Context, eventID string, id ID, fn func(*T, bool) error) (bool, error) {
	doc, err := a.d.Get(ctx, id)
	found := err == nil
	switch {
	case errors.Is(err, dao.ErrNotFound):
		var zero T
		doc = zero
	case err != nil:
		return false, err
	}
	idp, list := a.idOf(&doc), a.applied(&doc)
	if idp == nil || list == nil {
		return false, fmt.Errorf("%w: an accessor given to NewApplier returned a nil pointer", ErrInvalidOption)
	}
	if !found {
		*idp = id
	}
	if slices.Contains(*list, eventID) {
		a.dups.Add(1)
		return false, nil
	}
	if err := fn(&doc, found); err != nil {
		return false, fnError{err}
	}
	idp, list = a.idOf(&doc), a.applied(&doc)
	if idp == nil || list == nil {
		return false, fmt.Errorf("%w: an accessor given to NewApplier returned a nil pointer", ErrInvalidOption)
	}
	if *idp != id {
		return false, fmt.Errorf("%w: from %v to %v (event %s)", ErrIDChanged, id, *idp, eventID)
	}
	ids := append(slices.Clip(*list), eventID)
	if len(ids) > a.o.keep {
		ids = slices.Clone(ids[len(ids)-a.o.keep:])
	}
	*list = ids
	if !found {
		if err := a.d.Insert(ctx, doc); err != nil {
			return false, err
		}
		a.ok.Add(1)
		return true, nil
	}
	v, err := a.d.Update(ctx, doc)
	if err != nil {
		return false, err
	}
	if v == 0 {
		a.notVersioned.Store(true)
		return true, fmt.Errorf("%w: the update applying event %s to document %v was not conditional", ErrNotVersioned, eventID, id)
	}
	a.ok.Add(1)
	return true, nil
}

// fnError carries an error of Apply's fn out of try, so that an fn error
// wrapping a dao sentinel is not taken for a conflict of the write.
type fnError struct{ err error }

func (e fnError) Error() string { return e.err.Error() }

// conflict reports whether err says that a concurrent writer changed the
// document between the read and the write.
func conflict(err error) bool {
	return errors.Is(err, dao.ErrConflict) || errors.Is(err, dao.ErrAlreadyExists) || errors.Is(err, dao.ErrNotFound)
}

// checkEventID reports whether an Applier can record id.
func checkEventID(id string) error {
	reason := ""
	switch {
	case id == "":
		reason = "empty"
	case len(id) > MaxEventIDLen:
		reason = fmt.Sprintf("%d bytes long, more than %d", len(id), MaxEventIDLen)
	case !utf8.ValidString(id):
		reason = "not valid UTF-8"
	case strings.IndexByte(id, 0) >= 0:
		reason = "holds a NUL byte"
	default:
		return nil
	}
	shown := id
	if len(shown) > 64 {
		shown = shown[:64]
	}
	return fmt.Errorf("%w %q: %s", ErrInvalidEventID, shown, reason)
}
