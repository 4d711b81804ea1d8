package driver

import (
	"context"
	"time"

	daodriver "github.com/hexkit-go/hexkit/dao/driver"
)

// Collection is an outbox collection: the documents of a DAO together with
// their publication state. Package outbox wraps it (outbox.NewDAO) into the
// typed outbox.DAO[T, ID]; it hands the embedded dao driver to dao.New, so
// every rule of [daodriver.Collection] holds, with these differences:
//
//   - Insert, Replace and Delete store the change as pending: the
//     document's metadata is {deleted, published: false, correlation_id:
//     the correlation id of ctx (hexkit.CorrelationID, always set by the
//     caller), last_event_id: null} plus a fresh [Change.Stamp] of the
//     provider's own, in the same single-document write.
//   - Delete replaces the document with a tombstone (deleted: true) and
//     returns ErrNotFound for an id that is missing or already deleted.
//   - Get, Find and Count never see tombstones. Insert of a tombstone's id
//     fails with ErrAlreadyExists; an update (Replace without Upsert) of a
//     tombstone fails with ErrNotFound; an upsert over a tombstone stores
//     the document again (a new life of the id).
//   - A document without metadata (written by a plain DAO) is a live,
//     published document.
type Collection interface {
	daodriver.Collection
	// Changes yields stored changes with their documents, in ascending
	// order of id, starting after the id after (all when after is nil), at
	// most limit (> 0). Without all it yields the pending ones (published
	// false), tombstones included; with all every document, tombstones and
	// documents without metadata included (for Republish). Every change it
	// yields carries a Stamp: a pending document written by a program that
	// sets none gets one from Changes before it is yielded, so that a later
	// write is never taken for the one that is being published.
	Changes(ctx context.Context, after *daodriver.Value, all bool, limit int) (ChangeCursor, error)
	// MarkPublished records, for each mark whose document still carries
	// the mark's Stamp, that it is published: published true and
	// last_event_id the mark's EventID. A document written since (another
	// stamp) stays pending. It returns how many documents it marked.
	MarkPublished(ctx context.Context, marks []Mark) (int, error)
	// MarkAllPending marks every document pending again, tombstones and
	// documents without metadata included (these get complete metadata,
	// with the correlation id of ctx), and returns how many it marked.
	MarkAllPending(ctx context.Context) (int64, error)
}

// Change is the publication state of one stored document, as
// [ChangeCursor.Change] reports it.
type Change struct {
	ID            daodriver.Value // the document's id
	Deleted       bool            // a tombstone: publish a deletion
	Published     bool            // already published (only with all)
	CorrelationID string          // as stored; "" when none or not a UUID
	Stamp         string          // identifies this stored state for MarkPublished
}

// ChangeCursor is the result of [Collection.Changes]. The caller always
// calls Close.
type ChangeCursor interface {
	// Next advances to the next change; false at the end or on an error.
	Next(ctx context.Context) bool
	// Change returns the current change.
	Change() Change
	// Decode decodes the current document, which is not a tombstone, into
	// doc (a *T), id field included.
	Decode(doc any) error
	// Err returns the error that ended the iteration, if any.
	Err() error
	// Close releases the cursor.
	Close(ctx context.Context) error
}

// Mark is one published change, for MarkPublished.
type Mark struct {
	ID      daodriver.Value // the document's (or stored event's) id
	Stamp   string          // the Stamp of the state that was published
	EventID string          // the id of the event that published it
}

// Event is an event of a persistent publisher, as stored until (and after)
// it is published.
type Event struct {
	// CompactionKey is the stored event's id: "<topic>:<key>" on a
	// compacted topic, so a newer event for the key replaces an older one,
	// else the event id.
	CompactionKey string
	Topic         string
	Key           string
	Type          string
	EventID       string            // UUID4 string
	CorrelationID string            // UUID4 string
	Headers       map[string]string // user headers; nil when none
	Payload       []byte            // a JSON object
	Created       time.Time         // when first stored, millisecond precision, UTC
	Published     bool
	Stamp         string // identifies this stored state for MarkPublished
}

// EventStore keeps the events of persistent publishers until they are
// published, and after. Methods are safe for concurrent use.
type EventStore interface {
	// Init is called once before any other method; a database creates its
	// indexes here.
	Init(ctx context.Context) error
	// Put stores e as pending, in place of a stored event with the same
	// compaction key. It sets e.Stamp.
	Put(ctx context.Context, e *Event) error
	// Events yields stored events ordered by Created, then CompactionKey,
	// starting after the event (created, key) given by after (all when
	// after is nil), at most limit (> 0): the pending ones, or every one
	// with all. Each carries a Stamp (given by Events when the stored
	// event has none).
	Events(ctx context.Context, after *EventPosition, all bool, limit int) ([]Event, error)
	// MarkPublished records that the marked events are published (see
	// Collection.MarkPublished); ID is the compaction key as a string
	// value.
	MarkPublished(ctx context.Context, marks []Mark) (int, error)
	// MarkAllPending marks every stored event of topic (of every topic
	// when topic is "") pending again and returns how many it marked.
	MarkAllPending(ctx context.Context, topic string) (int64, error)
}

// EventPosition is where [EventStore.Events] resumes.
type EventPosition struct {
	Created       time.Time
	CompactionKey string
}

// Lease lets one relay at a time publish: relays of several service
// instances share it, and only its holder publishes.
type Lease interface {
	// Acquire takes the lease name for owner until now+ttl when it is free,
	// expired or already owner's (a renewal), and reports whether owner
	// holds it now.
	Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)
	// Release gives up the lease if owner holds it.
	Release(ctx context.Context, name, owner string) error
}
