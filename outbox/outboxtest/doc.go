// Package outboxtest is the conformance suite of package outbox: every
// provider of outbox DAOs, persistent publishers and relay leases runs
// [Run] in its tests, on every broker it supports.
//
// A provider implements [Harness] over its constructors; the broker is a
// [Broker]: [NewMemBroker] for events/memevents, and kafkatest.Broker for
// Kafka (in-process or real). The suite checks every rule of package outbox
// and of its driver contract: the events each write publishes (type,
// payload, key, event and correlation ids), tombstones, versioned and
// unique DAOs through the outbox, PublishPending and Republish, writes
// racing a publication, broker failures (nothing lost, per-document order
// kept), relays of several instances sharing a lease (one publisher at a
// time, takeover after a shutdown and after a death), graceful shutdown,
// option validation, the persistent publisher (ids kept, compaction,
// republication, shared stores) and HandleChanges. A failure names the rule
// that was broken.
package outboxtest
