package mongo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// ErrInvalidConfig: a [Config] or an [Option] is invalid (a missing URI or
// database, a negative timeout, a URI that does not parse, a nil
// database). Returned by [Open] and [New].
var ErrInvalidConfig = errors.New("mongo: invalid config")

// errRetry marks a duplicate key on _id met by an unversioned Upsert: two
// upserts of a new id raced, and trying again replaces the winner's write.
var errRetry = errors.New("mongo: retry upsert")

// codeBadValue is the server's error code for a value or key it refuses
// (FerretDB: infinities, keys starting with '$' or holding '.', invalid
// UTF-8 in keys).
const codeBadValue = 2

// mapError is the one place where driver errors become dao errors. The
// caller's context error is returned as it is; a duplicate key is returned
// as a *duplicateError for the caller to resolve (see collection.resolve);
// the driver's error stays reachable with errors.As.
func mapError(ctx context.Context, err error) error {
	var we mongo.WriteException
	var se mongo.ServerError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%w: %w", driver.ErrNotFound, err)
	case mongo.IsDuplicateKeyError(err), isSQLiteUnique(err):
		return &duplicateError{err: err}
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, mongo.ErrClientDisconnected),
		errors.As(err, new(topology.ServerSelectionError)), errors.Is(err, context.Canceled),
		errors.Is(err, context.DeadlineExceeded):
		// The caller's context is not done: the DB's own timeout fired, or
		// the connection failed.
		return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
	case errors.As(err, &we) && we.HasErrorCode(codeBadValue):
		return fmt.Errorf("%w: %w", driver.ErrInvalidDocument, err)
	case errors.As(err, &se) && se.HasErrorCode(codeBadValue):
		return fmt.Errorf("%w: %w", driver.ErrInvalidFilter, err)
	}
	return fmt.Errorf("mongo: %w", err)
}

// duplicateError is a duplicate key error not yet attributed to an index.
type duplicateError struct{ err error }

func (e *duplicateError) Error() string { return e.err.Error() }
func (e *duplicateError) Unwrap() error { return e.err }

// indexInMessage finds the index name MongoDB puts in its duplicate key
// message ("... index: email_1 dup key: ..."). FerretDB leaves it out.
var indexInMessage = regexp.MustCompile(`index: (\S+) dup key`)

// duplicateIndex returns the name of the violated index when the server
// says it, or "".
func duplicateIndex(err error) string {
	var we mongo.WriteException
	if errors.As(err, &we) {
		for _, e := range we.WriteErrors {
			if m := indexInMessage.FindStringSubmatch(e.Message); m != nil {
				return m[1]
			}
		}
	}
	if m := indexInMessage.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

// isSQLiteUnique recognizes FerretDB's SQLite backend reporting a unique
// index violated by an update: an InternalError instead of code 11000.
func isSQLiteUnique(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
