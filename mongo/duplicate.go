package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hexkit-go/hexkit/dao/driver"
)

type writeOp int

const (
	opInsert writeOp = iota
	opUpdate
	opUpsert
)

// resolve turns a duplicate key error into the dao error the protocol
// promises, the way the in-memory DAO decides: for Insert, a taken id is
// ErrAlreadyExists; for a versioned Upsert, a stored document with another
// version is ErrConflict; otherwise the first declared unique index that
// another document shares is ErrUniqueViolation. An Upsert whose id alone
// is taken (the stored document changed or appeared since the filter ran)
// gets errRetry, never a unique violation. MongoDB names the index in its
// error; FerretDB does not, so the DAO then looks the candidates up.
// Errors other than duplicate keys pass through.
func (c *coll) resolve(ctx, callerCtx context.Context, err error, raw bson.Raw, op writeOp, version int64) error {
	var dup *duplicateError
	if !errors.As(err, &dup) {
		return err
	}
	cause := dup.err
	id := raw.Lookup("_id")
	if name := duplicateIndex(cause); name != "" {
		if fields, ok := c.indexes[name]; ok {
			return &driver.UniqueViolationError{Fields: fields, Err: cause}
		}
		if name == "_id_" {
			return c.idTaken(op, id, cause)
		}
	}
	// FerretDB: find out which key is taken.
	if op != opUpdate {
		stored, err := c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		switch {
		case err == nil:
			if op == opInsert {
				return c.idTaken(op, id, cause)
			}
			// An outbox tombstone is no document: an upsert revives it.
			if deleted, _ := stored.Lookup(metaKey, "deleted").BooleanOK(); op == opUpsert && c.schema.VersionField != "" && !deleted {
				if v, ok := c.storedVersion(stored); !ok || v != version {
					return c.idTaken(op, id, cause)
				}
			}
		case !errors.Is(mapError(callerCtx, err), driver.ErrNotFound):
			return mapError(callerCtx, err)
		}
	}
	for _, fields := range c.schema.Unique {
		filter := bson.D{{Key: "_id", Value: bson.D{{Key: "$ne", Value: id}}}}
		for _, f := range fields {
			var v any // a missing field is null, as in the index
			if rv, err := raw.LookupErr(splitPath(c.key(f))...); err == nil {
				v = rv
			}
			filter = append(filter, bson.E{Key: c.key(f), Value: bson.D{{Key: "$eq", Value: v}}})
		}
		n, err := c.coll.CountDocuments(ctx, filter)
		if err != nil {
			return mapError(callerCtx, err)
		}
		if n > 0 {
			return &driver.UniqueViolationError{Fields: fields, Err: cause}
		}
	}
	switch {
	case op == opUpsert:
		// Only the id is taken, by a document that matched no filter when
		// the upsert ran (another upsert of a new id won, or the document
		// changed or went away meanwhile): trying again decides.
		return fmt.Errorf("%w: %w", errRetry, cause)
	case op == opInsert && len(c.schema.Unique) == 0:
		// Without unique indexes only the id can be taken; its document
		// went away meanwhile.
		return c.idTaken(op, id, cause)
	}
	// The conflicting document went away meanwhile.
	return &driver.UniqueViolationError{Err: cause}
}

func (c *coll) idTaken(op writeOp, id bson.RawValue, cause error) error {
	switch {
	case op == opInsert:
		return fmt.Errorf("%w: id %v: %w", driver.ErrAlreadyExists, id, cause)
	case op == opUpsert && c.schema.VersionField != "":
		return fmt.Errorf("%w: id %v: the stored version differs: %w", driver.ErrConflict, id, cause)
	case op == opUpsert:
		return fmt.Errorf("%w: %w", errRetry, cause)
	}
	return &driver.UniqueViolationError{Err: cause}
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := range len(p) {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}
