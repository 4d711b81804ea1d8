// Package driver is the contract between package outbox and the providers
// that store an outbox: a collection whose documents carry their
// publication state (the outbox DAO), a store of events kept until they
// are published (the persistent publisher) and a lease that lets one relay
// at a time publish. Services do not import it: they call a provider's
// constructor (mongo.NewOutboxDAO, memoutbox.New, ...), which returns the
// types of package outbox.
//
// The storage layout is Python hexkit 9's: a document of an outbox
// collection carries a "__metadata__" object {deleted, published,
// correlation_id, last_event_id} next to its fields, a deletion leaves a
// tombstone (the id and the metadata only), and a stored event has the
// fields compaction_key (the id), topic, payload, key, type_, event_id,
// headers, correlation_id, created and published. Providers may add keys of
// their own inside "__metadata__" (a program that does not know them keeps
// working), but no other field.
package driver
