package mongo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/hexkit-go/hexkit/dao"
)

// mapErr is the one place where driver errors become dao errors. The
// caller's context error is returned as it is; a duplicate key is returned
// as errDuplicate for the caller to resolve (see DAO.duplicate); the
// driver's error stays reachable with errors.As.
func mapErr(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%w: %w", dao.ErrNotFound, err)
	case mongo.IsDuplicateKeyError(err), isSQLiteUnique(err):
		return &duplicateError{err: err}
	case mongo.IsTimeout(err), mongo.IsNetworkError(err), errors.Is(err, mongo.ErrClientDisconnected),
		errors.As(err, new(topology.ServerSelectionError)), errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: %w", dao.ErrUnavailable, err)
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
