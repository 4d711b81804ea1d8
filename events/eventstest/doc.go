// Package eventstest is the conformance suite of the events protocol:
// every provider (memevents, kafka on kfake and on a real broker) runs it,
// so services can rely on one set of delivery rules whatever the transport.
//
// A provider's test implements [Harness] (its sender, topic creation, its
// NewSubscriber) and calls [Run]:
//
//	func TestConformance(t *testing.T) {
//		eventstest.Run(t, func(t *testing.T) eventstest.Harness {
//			return newMyHarness(t)
//		}, eventstest.Features{RawSend: true})
//	}
//
// # Semantics
//
// Each case is a parallel subtest with a fresh harness and its own unique
// topic and group names (prefix "eventstest-"), so harnesses may share a
// server with other tests. The cases check, through events.Publisher and
// events.Router on top of the harness: round trip; routing by type (an
// unknown type neither reaches a handler nor blocks later events); key, type,
// event id, correlation id, user headers and timestamp intact; correlation id
// propagation from a handler's context to what it publishes; per-key order
// across partitions; two groups both receiving everything; two members of one
// group sharing the work and one taking over when the other leaves;
// redelivery of a failed event before later events of its partition; resuming
// from the commit after a graceful restart; context cancellation of sends and
// of handlers at shutdown (the interrupted event is redelivered); a drain
// past events.WithDrainTimeout (a *events.DrainError naming the stuck
// message, which wraps events.ErrClosed too when the provider was closed);
// close;
// concurrent publishers; and bad input on publish (typed errors, nothing
// sent, valid events of a batch sent) and on delivery (undecodable payloads
// and, with [Features].RawSend, missing headers are refused with typed errors
// and redelivered rather than lost). The rules a fake must share with Kafka
// are cases too: topic names Kafka refuses are refused everywhere, with the
// longest valid name working end to end; a publish to a missing topic fails
// with events.ErrTopicNotFound and creates nothing; an event over Kafka's
// default size limit (1 MiB) fails with events.ErrMessageTooLarge, and one
// whose record batch (events/driver.RecordSize) is exactly that limit is
// stored, on a provider's first send as on later ones; the empty
// key is valid and keeps order; a pointer event type is refused;
// Subscriber.WaitIdle returns once everything published before is handled (at
// once for topics that do not exist); Run ends with events.ErrClosed when the
// provider closes, and a subscriber runs once; and the test helpers below
// work on the provider.
//
// [RunFailure] is the second suite, for the failure handling
// (events.FailureHandler) on the same harness: retries numbered from 1,
// dead letters with every header after the last attempt and the original
// committed only after, panics, a failing subset, poison payloads and
// headers, the stop without a dead letter queue, replay through the retry
// topic, and other partitions flowing while one retries.
//
// Waits are bounded by generous timeouts and never rely on sleeping; a
// failure says which rule of the protocol was broken.
//
// # Errors
//
// The suite checks error identity with errors.Is and errors.As: context
// errors, events.ErrInvalidMessage with *events.ValidationError,
// events.ErrMalformedPayload with *events.PayloadError, *events.BatchError
// and events.ErrClosed.
//
// # Testing
//
// The package imports only the standard library and hexkit, so services'
// and providers' tests can use it without further dependencies. Besides the
// suites, it offers helpers for a service's own tests that work on every
// provider: [Start] runs a subscriber until the test ends, a [Recorder]
// keeps what a subscriber of its own delivered, and [Recorder.Expect]
// checks the events a block of code published ([Expected], [Event],
// [CompareEvents], which package kafkatest shares).
package eventstest
