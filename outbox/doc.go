// Package outbox keeps state and the events that tell of it together:
// services share state through Kafka without losing a change or applying
// one twice.
//
//   - An outbox [DAO] is a DAO that publishes its changes. Every insert,
//     update, upsert and delete is stored together with its publication
//     state, in one single-document write, and then published by the
//     [Relay]: an "upserted" event carrying the full document, or a
//     "deleted" event carrying {}, keyed by the document's id. A crash
//     between the write and the publication, or a broker that is down,
//     delays the event; it never loses it.
//   - A [PersistentPublisher] stores every event before it is sent and keeps
//     it, so it can be sent again ([PersistentPublisher.Republish]).
//   - The [Relay] publishes whatever is pending, for every DAO and
//     publisher built on it, at least once and in order per document (per
//     key), with one relay of all service instances publishing at a time.
//   - [HandleChanges] registers a typed [ChangeHandler] on an events.Router,
//     so a service mirrors another service's outbox collection with
//     Changed(ctx, id, doc) and Deleted(ctx, id).
//
// The storage and wire formats are Python hexkit 9's (its outbox DAO,
// "DaoPublisher", and its persistent Kafka publisher): a Go service can take
// over a Python service's collection and topic, and the reverse.
//
// # Semantics
//
// A write returns once the change is stored; the relay publishes it. The
// relay of the writing instance is woken at once; the others poll (see
// [Relay] for the delay to expect). Delivery is at least once: a change
// published but not yet marked when the process dies is published again,
// so consumers must be idempotent (package inbox makes them so). Events of
// one document are published in the order of its writes; only the latest
// state of a document is kept, so a consumer may miss intermediate states
// of a document written again before the relay published it, never the
// last one.
//
// Deletion leaves a tombstone: the document is gone for Get, Find and
// Count, and its id cannot be inserted again (an Upsert stores it again).
//
// # Testing
//
// Package memoutbox is the in-memory provider (with events/memevents as the
// broker); package outboxtest holds the conformance suite every provider
// passes.
package outbox
