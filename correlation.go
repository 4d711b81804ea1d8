package hexkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// ErrInvalidCorrelationID reports a correlation id that is not a
// canonical 36-character UUID version 4 string (hex digits in either case;
// see [ValidateCorrelationID]).
var ErrInvalidCorrelationID = errors.New("hexkit: invalid correlation id")

type correlationKey struct{}

// WithCorrelationID returns a copy of ctx that carries the correlation id id.
// It does not validate id; call [ValidateCorrelationID] first when the value
// comes from outside the process.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	return &correlationCtx{Context: ctx, id: id}
}

// correlationCtx carries a correlation id in one allocation (a context
// made by context.WithValue costs two: the context and the boxed string).
// Every consumer delivery makes one, so this is on the hot path.
type correlationCtx struct {
	context.Context
	id string
}

// Value answers the correlation key with a pointer to the id, which boxes
// without allocating, and passes every other key to the parent.
func (c *correlationCtx) Value(key any) any {
	if _, ok := key.(correlationKey); ok {
		return &c.id
	}
	return c.Context.Value(key)
}

// CorrelationID returns the correlation id carried by ctx and whether there
// was one. An empty id counts as absent.
func CorrelationID(ctx context.Context) (string, bool) {
	p, _ := ctx.Value(correlationKey{}).(*string)
	if p == nil {
		return "", false
	}
	return *p, *p != ""
}

// NewCorrelationID returns a fresh random correlation id: a UUID version 4
// in its canonical lower-case form.
func NewCorrelationID() string {
	return uuid.NewString()
}

// EnsureCorrelationID returns ctx unchanged with its correlation id when it
// carries one, and otherwise a copy of ctx carrying a freshly generated id.
func EnsureCorrelationID(ctx context.Context) (context.Context, string) {
	if id, ok := CorrelationID(ctx); ok {
		return ctx, id
	}
	id := NewCorrelationID()
	return WithCorrelationID(ctx, id), id
}

// ValidateCorrelationID reports whether id is a valid correlation id: a
// canonical 36-character UUID version 4 string. Upper-case hex digits are
// accepted, as other implementations may emit them. The error wraps
// [ErrInvalidCorrelationID].
func ValidateCorrelationID(id string) error {
	if len(id) != 36 {
		return fmt.Errorf("%w: %q is not a 36-character UUID", ErrInvalidCorrelationID, id)
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrInvalidCorrelationID, id, err)
	}
	if u.Version() != 4 || u.Variant() != uuid.RFC4122 {
		return fmt.Errorf("%w: %q is not a version 4 UUID", ErrInvalidCorrelationID, id)
	}
	return nil
}
