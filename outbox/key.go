package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	daodriver "github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox/driver"
)

// The event types of an outbox topic, as Python hexkit names them.
const (
	// ChangeEventType is the type of the event that carries the full new
	// state of a document after an insert, update or upsert.
	ChangeEventType = "upserted"
	// DeleteEventType is the type of the event that tells of a deletion;
	// its payload is the empty JSON object.
	DeleteEventType = "deleted"
)

// keyOf returns the event key of a document id: the id as Python's str()
// writes it (a string as it is, an integer in decimal, a UUID in its
// canonical form, which is how it is stored).
func keyOf(id daodriver.Value) (string, error) {
	switch v := id.Interface().(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	}
	return "", fmt.Errorf("%w: document id %v cannot be an event key", ErrInvalidOption, id)
}

// keyedCollection is the collection that NewDAO hands to dao.New: it
// refuses a write or delete of a document whose id cannot be the key of
// its event (an event key is printable ASCII), and a write whose event
// would be larger than the relay's size limit (checked by sized), which
// no relay could ever publish, before the collection sees it.
type keyedCollection struct {
	driver.Collection
	sized func(ctx context.Context, key string, doc any) error
}

// MetadataField is the top-level field in which an outbox collection keeps
// a document's publication state, as Python hexkit names it. A document
// type of an outbox DAO cannot have a field of this json name.
const MetadataField = "__metadata__"

// Init refuses a document type with a field named [MetadataField].
func (c keyedCollection) Init(ctx context.Context, s daodriver.Schema) error {
	if slices.Contains(s.Fields, MetadataField) {
		return fmt.Errorf("%w: the top-level field %s is the outbox's own (its publication state)", daodriver.ErrInvalidDocument, MetadataField)
	}
	return c.Collection.Init(ctx, s)
}

func (c keyedCollection) Insert(ctx context.Context, id daodriver.Value, doc any) error {
	if err := c.check(ctx, id, doc); err != nil {
		return err
	}
	return c.Collection.Insert(ctx, id, doc)
}

func (c keyedCollection) Replace(ctx context.Context, r daodriver.Replace) error {
	if err := c.check(ctx, r.ID, r.Doc); err != nil {
		return err
	}
	return c.Collection.Replace(ctx, r)
}

// check returns an error wrapping dao.ErrInvalidDocument when the document
// doc with id cannot be written: its id is not an event key, or its event
// is too large.
func (c keyedCollection) check(ctx context.Context, id daodriver.Value, doc any) error {
	if err := checkKey(id); err != nil {
		return fmt.Errorf("%w: %w", daodriver.ErrInvalidDocument, err)
	}
	key, _ := keyOf(id)
	if err := c.sized(ctx, key, doc); err != nil {
		return fmt.Errorf("%w: %w", daodriver.ErrInvalidDocument, err)
	}
	return nil
}

func (c keyedCollection) Delete(ctx context.Context, id daodriver.Value) error {
	if err := checkKey(id); err != nil {
		return err
	}
	return c.Collection.Delete(ctx, id)
}

// checkKey returns an error wrapping dao.ErrInvalidID and
// events.ErrInvalidMessage when id's event key is not printable ASCII.
func checkKey(id daodriver.Value) error {
	key, err := keyOf(id)
	if err != nil {
		return fmt.Errorf("%w: %w", daodriver.ErrInvalidID, err)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c >= 0x7f {
			return fmt.Errorf("%w: %w: id %q cannot be an event key: byte %d (0x%02x) is not printable ASCII",
				daodriver.ErrInvalidID, events.ErrInvalidMessage, key, i, c)
		}
	}
	return nil
}

// parseKey parses an event key into an id of type ID (a string, an integer
// type or uuid.UUID, the id types a DAO accepts). A key must be in the
// form keyOf writes, Python's str(): an integer in decimal as
// strconv.FormatInt writes it (no '+', no leading zeros, no "-0"), a UUID
// in its canonical form (lowercase, hyphenated, no braces or prefix).
func parseKey[ID comparable](key string) (ID, error) {
	var id ID
	var err error
	switch p := any(&id).(type) {
	case *string:
		*p = key
	case *uuid.UUID:
		*p, err = uuid.Parse(key)
		if err == nil && p.String() != key {
			err = fmt.Errorf("UUID %q is not in canonical form (%s)", key, p)
		}
	case *int:
		*p, err = parseInt[int](key, strconv.IntSize)
	case *int8:
		*p, err = parseInt[int8](key, 8)
	case *int16:
		*p, err = parseInt[int16](key, 16)
	case *int32:
		*p, err = parseInt[int32](key, 32)
	case *int64:
		*p, err = parseInt[int64](key, 64)
	case *uint8:
		*p, err = parseUint[uint8](key, 8)
	case *uint16:
		*p, err = parseUint[uint16](key, 16)
	case *uint32:
		*p, err = parseUint[uint32](key, 32)
	default:
		return id, fmt.Errorf("%w: id type %T cannot be parsed from an event key", ErrInvalidOption, id)
	}
	if err != nil {
		var zero ID
		return zero, err
	}
	return id, nil
}

// parseInt parses a decimal key, as strconv.FormatInt writes it, into a
// signed integer of bits bits.
func parseInt[N int | int8 | int16 | int32 | int64](key string, bits int) (N, error) {
	n, err := strconv.ParseInt(key, 10, bits)
	if err == nil && strconv.FormatInt(n, 10) != key {
		err = fmt.Errorf("integer %q is not in decimal as Python's str() writes it (%d)", key, n)
	}
	return N(n), err
}

// parseUint parses a decimal key, as strconv.FormatUint writes it, into an
// unsigned integer of bits bits.
func parseUint[N uint8 | uint16 | uint32](key string, bits int) (N, error) {
	n, err := strconv.ParseUint(key, 10, bits)
	if err == nil && strconv.FormatUint(n, 10) != key {
		err = fmt.Errorf("integer %q is not in decimal as Python's str() writes it (%d)", key, n)
	}
	return N(n), err
}

// checkIDType reports whether ID can be parsed from an event key.
func checkIDType[ID comparable]() error {
	_, err := parseKey[ID]("0")
	if err != nil && errors.Is(err, ErrInvalidOption) {
		return err
	}
	return nil
}
