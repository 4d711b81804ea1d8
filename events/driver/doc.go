// Package driver is the provider contract of the events protocol: the
// small, erased interfaces a provider (kafka, memevents) implements and the
// rules it follows. Services do not import it; they use package events and
// a provider's constructors, which wrap a driver with events.NewPublisher,
// events.NewSender and events.NewSubscriber.
//
// The portable layer (package events) does everything the providers share
// before a driver is called: it validates messages, topics, groups and
// options, stamps event ids and correlation ids, recovers handler panics and
// turns per-message errors into *events.BatchError. A driver translates
// messages to and from its technology, maps its errors to the sentinels of
// this package (wrapping the native error too, so errors.As reaches it) and
// passes context errors through unwrapped.
package driver
