package outbox

import (
	"context"
	"fmt"

	"github.com/hexkit-go/hexkit/events"
)

// ChangeHandler consumes the events of an outbox topic as changes of typed
// documents, so a service mirrors another service's collection without
// touching JSON. Register it with [HandleChanges].
type ChangeHandler[T any, ID comparable] interface {
	// Changed is called with the full new state of the document id (after
	// an insert, update, upsert or republication).
	Changed(ctx context.Context, id ID, doc T) error
	// Deleted is called when the document id was deleted.
	Deleted(ctx context.Context, id ID) error
}

// ChangeFuncs adapts two functions to a [ChangeHandler].
type ChangeFuncs[T any, ID comparable] struct {
	OnChanged func(ctx context.Context, id ID, doc T) error
	OnDeleted func(ctx context.Context, id ID) error
}

// Changed calls OnChanged.
func (f ChangeFuncs[T, ID]) Changed(ctx context.Context, id ID, doc T) error {
	return f.OnChanged(ctx, id, doc)
}

// Deleted calls OnDeleted.
func (f ChangeFuncs[T, ID]) Deleted(ctx context.Context, id ID) error { return f.OnDeleted(ctx, id) }

// changed and deleted are the typed events of an outbox topic.
type changed[T any] struct{ doc T }
type deleted struct{}

func (changed[T]) EventType() string { return ChangeEventType }
func (deleted) EventType() string    { return DeleteEventType }

// changedCodec decodes a change event's payload into T with the JSON codec.
type changedCodec[T any] struct{ json events.Codec[T] }

func (c changedCodec[T]) Encode(e changed[T]) ([]byte, error) { return c.json.Encode(e.doc) }
func (c changedCodec[T]) Decode(b []byte) (changed[T], error) {
	doc, err := c.json.Decode(b)
	if err != nil {
		return changed[T]{}, payloadError(err)
	}
	return changed[T]{doc: doc}, nil
}

// deletedCodec decodes a deletion event's payload, a JSON object whose
// content is ignored.
type deletedCodec struct{ json events.Codec[deleted] }

func (c deletedCodec) Encode(e deleted) ([]byte, error) { return c.json.Encode(e) }
func (c deletedCodec) Decode(b []byte) (deleted, error) {
	e, err := c.json.Decode(b)
	if err != nil {
		return deleted{}, payloadError(err)
	}
	return e, nil
}

// payloadError marks a payload that does not parse as an invalid message,
// as documented on HandleChanges (besides the router's
// ErrMalformedPayload).
func payloadError(err error) error { return fmt.Errorf("%w: %w", events.ErrInvalidMessage, err) }

// HandleChanges registers h on r for the [ChangeEventType] and
// [DeleteEventType] events of topic, which an outbox DAO (of this library
// or of Python hexkit) publishes. The event key is parsed into an ID in
// the form an outbox writes it, Python's str(): a string as it is, an
// integer in decimal as strconv.FormatInt writes it (no '+', no leading
// zeros, no "-0"), a UUID in canonical form (lowercase, hyphenated); a
// key in another form does not parse. A change's payload is decoded into
// T with the JSON codec. An event whose key or payload does not parse is
// refused with an error wrapping events.ErrInvalidMessage (a payload's
// also wraps events.ErrMalformedPayload), so the subscriber's failure
// handling (a dead letter queue) gets it; it never reaches h.
//
// Like events.Handle it panics on a setup error: an invalid topic, a nil
// router or handler, an ID type that cannot be parsed from a key, or
// handlers already registered for these event types on topic.
func HandleChanges[T any, ID comparable](r *events.Router, topic string, h ChangeHandler[T, ID]) {
	if h == nil {
		panic(fmt.Errorf("%w: HandleChanges: nil handler", events.ErrInvalidOption))
	}
	if err := checkIDType[ID](); err != nil {
		panic(err)
	}
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[changed[T]]) error {
		id, err := parseKey[ID](d.Key)
		if err != nil {
			return keyError(d.Key, err)
		}
		return h.Changed(ctx, id, d.Event.doc)
	}, events.WithCodec[changed[T]](changedCodec[T]{json: events.JSONCodec[T]()}))
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[deleted]) error {
		id, err := parseKey[ID](d.Key)
		if err != nil {
			return keyError(d.Key, err)
		}
		return h.Deleted(ctx, id)
	}, events.WithCodec[deleted](deletedCodec{json: events.JSONCodec[deleted]()}))
}

func keyError(key string, err error) error {
	return &events.ValidationError{Field: "key", Value: key, Reason: "not an id of the outbox's id type: " + err.Error()}
}
