package mongomigrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit/migrate/driver"
)

// isDuplicate recognizes a duplicate _id: code 11000, or FerretDB's SQLite
// backend's "UNIQUE constraint failed".
func isDuplicate(err error) bool {
	var se mongodriver.ServerError
	return err != nil && (mongodriver.IsDuplicateKeyError(err) ||
		errors.As(err, &se) && strings.Contains(err.Error(), "UNIQUE constraint failed"))
}

// atDeadline reports whether ctx's deadline is less than 50ms away.
func atDeadline(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < 50*time.Millisecond
}

// mapError is the one place where driver errors become migrate errors:
// every failed request wraps migrate.ErrUnavailable, whether the server
// did not answer (a timeout, a network error, a closed client) or refused
// the command. The caller's context error is returned as it is; the
// driver's error stays reachable with errors.As.
func mapError(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case atDeadline(ctx) && (mongodriver.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded)):
		// The driver gives up when the context's deadline is reached, a
		// moment before the context itself says so.
		<-ctx.Done()
		return ctx.Err()
	}
	return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
}

// corrupt reports a document of the version collection that does not
// decode as what it should be, naming its _id but none of its values.
func corrupt(what string, raw bson.Raw, err error) error {
	return fmt.Errorf("%w: the %s with _id %s: %w", driver.ErrCorrupt, what, raw.Lookup("_id"), err)
}
