// Package memoutbox is the in-memory provider of package outbox: outbox
// DAOs ([New], or [NewWithCollection] over a [Collection] that the DAOs of
// several relays share, as service instances share a MongoDB collection),
// persistent publishers ([NewPersistentPublisher] over an [EventStore])
// and relays ([NewRelay], [NewRelayWithLease] over a shared [Lease]) for
// unit tests, behaving as the MongoDB provider does. Pair it with
// events/memevents as the broker. outboxtest runs its conformance suite
// on it.
package memoutbox
