package outbox

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	daodriver "github.com/hexkit-go/hexkit/dao/driver"
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

// parseKey parses an event key into an id of type ID (a string, an integer
// type or uuid.UUID, the id types a DAO accepts).
func parseKey[ID comparable](key string) (ID, error) {
	var id ID
	var err error
	switch p := any(&id).(type) {
	case *string:
		*p = key
	case *uuid.UUID:
		*p, err = uuid.Parse(key)
	case *int:
		var n int64
		n, err = strconv.ParseInt(key, 10, 0)
		*p = int(n)
	case *int8:
		var n int64
		n, err = strconv.ParseInt(key, 10, 8)
		*p = int8(n)
	case *int16:
		var n int64
		n, err = strconv.ParseInt(key, 10, 16)
		*p = int16(n)
	case *int32:
		var n int64
		n, err = strconv.ParseInt(key, 10, 32)
		*p = int32(n)
	case *int64:
		*p, err = strconv.ParseInt(key, 10, 64)
	case *uint8:
		var n uint64
		n, err = strconv.ParseUint(key, 10, 8)
		*p = uint8(n)
	case *uint16:
		var n uint64
		n, err = strconv.ParseUint(key, 10, 16)
		*p = uint16(n)
	case *uint32:
		var n uint64
		n, err = strconv.ParseUint(key, 10, 32)
		*p = uint32(n)
	default:
		return id, fmt.Errorf("%w: id type %T cannot be parsed from an event key", ErrInvalidOption, id)
	}
	if err != nil {
		var zero ID
		return zero, err
	}
	return id, nil
}

// checkIDType reports whether ID can be parsed from an event key.
func checkIDType[ID comparable]() error {
	_, err := parseKey[ID]("0")
	if err != nil && errors.Is(err, ErrInvalidOption) {
		return err
	}
	return nil
}
