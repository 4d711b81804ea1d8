// Package memoutbox is the in-memory provider of package outbox: outbox
// DAOs ([New]), persistent publishers ([NewPersistentPublisher]) and relays
// ([NewRelay], [NewRelayWithLease]) for unit tests, behaving as the MongoDB
// provider does. Pair it with events/memevents as the broker.
package memoutbox
