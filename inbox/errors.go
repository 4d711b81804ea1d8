package inbox

import "errors"

// Sentinel errors of package inbox; test with errors.Is. Errors of the
// store or DAO underneath come through wrapped with their own sentinels
// (kv.ErrUnavailable, dao.ErrConflict, ...), and context errors are
// returned as they are, unwrapped.
var (
	// ErrInvalidOption: a constructor got a nil store, DAO or accessor, an
	// invalid group or an invalid option; [Applier.Apply] got a nil
	// function, or an accessor given to [NewApplier] returned a nil
	// pointer (nothing was written).
	ErrInvalidOption = errors.New("inbox: invalid option")
	// ErrInvalidEventID: an event id that cannot be recorded. The
	// middleware refuses a message whose event id is not a UUID version 4
	// string (the error wraps events.ErrInvalidMessage too, so a
	// FailureHandler treats the message as poison); [Applier.Apply]
	// refuses an id that is empty, longer than [MaxEventIDLen] bytes, not
	// valid UTF-8 or holding a NUL byte. Nothing was handled or written.
	ErrInvalidEventID = errors.New("inbox: invalid event id")
	// ErrInProgress: the middleware found the event claimed by another
	// delivery that is handling it right now (or crashed while handling it,
	// until the claim times out, see [WithClaimTimeout]). The message is not
	// handled and not acknowledged, so the subscriber delivers it again
	// later, when the record says whether it still needs handling.
	ErrInProgress = errors.New("inbox: event is being handled by another delivery")
	// ErrNotVersioned: the Applier's DAO has no version field
	// (dao.WithVersionField), so its updates are not conditional and
	// concurrent applications could overwrite each other. It is found at
	// the first update of a stored document, which has then taken place;
	// from then on the Applier refuses every call with this error.
	ErrNotVersioned = errors.New("inbox: the Applier's DAO has no version field (build it with dao.WithVersionField)")
	// ErrIDChanged: the function given to [Applier.Apply] changed the
	// document's id. Nothing was written.
	ErrIDChanged = errors.New("inbox: the applied function changed the document's id")
)
