// Package events is hexkit's typed publish/subscribe protocol.
//
// Services publish and handle typed Go values; the protocol turns them into
// [Message] values, the erased wire form that providers carry (package
// kafka for Apache Kafka, package memevents in memory):
//
//	type OrderPlaced struct {
//		ID    string `json:"id"`
//		Total int    `json:"total"`
//	}
//
//	func (OrderPlaced) EventType() string { return "order_placed" }
//
//	pub, err := events.NewPublisher[OrderPlaced](sender, "orders")
//	err = pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1", Total: 42})
//
//	r := events.NewRouter()
//	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[OrderPlaced]) error {
//		return svc.Ship(ctx, d.Event)
//	})
//	// give r to a subscriber (memevents.Broker.NewSubscriber, kafka's subscriber)
//
// A [Publisher] encodes events with a [Codec] (JSON by default), stamps the
// event type, a fresh event id and the correlation id, validates and sends
// through the provider's [Sender]. A [Router] is the [MessageHandler] that a
// subscriber calls for every delivered message; it decodes the payload and
// calls the [Handler] registered with [Handle] for the message's topic and
// type.
//
// # Wire format
//
// The format is that of Python hexkit, so Go and Python services share
// topics: the key is a printable ASCII string; the payload is a JSON object
// (with the default codec); headers "type" (the event type), "event_id" (a
// UUID version 4) and "correlation_id" (a UUID version 4) travel next to
// the user's own headers, which are printable ASCII and may not use those
// three names. Topic and type are printable ASCII and not empty.
//
// # Semantics
//
// Publishing: [Publisher.Publish] returns once the transport acknowledged
// the event, so its error is the real outcome; [Publisher.PublishBatch]
// sends many events in one call and reports per event. The correlation id
// comes from the context ([github.com/hexkit-go/hexkit.CorrelationID]) or is
// generated ([WithStrictCorrelationID] refuses instead).
//
// Delivery (the contract every provider's subscriber honours, checked by
// package eventstest):
//   - At least once: a message is acknowledged (its offset committed) only
//     after the handler returned nil. A handler error makes the subscriber
//     redeliver the same message after a backoff, without moving past it:
//     later messages of the same partition wait. Handlers must therefore be
//     idempotent; the event id identifies duplicates.
//   - Order: messages with the same key go to the same partition and are
//     handled in publishing order.
//   - Consumer groups: every group receives every message; the members of
//     one group share the topic's partitions and take over those of members
//     that leave. A restarted member resumes from the group's committed
//     offsets.
//   - Shutdown: a subscriber's Run returns after its context ends and its
//     in-flight handlers returned. The handler's context ends with the
//     subscriber's, so a long handler can stop early; what it did not finish
//     (returned an error) is redelivered later.
//   - Handler context: carries the message's correlation id, so records
//     logged through [github.com/hexkit-go/hexkit.NewLogHandler] show it, and
//     events published from the handler carry it on.
//   - Unknown types: a message whose topic and type have no handler is
//     acknowledged and skipped with a debug log record, unless
//     [WithUnknownType] sets another policy.
//   - Failures: a [FailureHandler] in front of the router bounds the
//     retries (backoff with jitter, [Attempt] in the context, panics as
//     failures), sends events that fail for good and poison messages to a
//     dead letter queue and maps events coming back on the retry topic to
//     their original topic; without it, a failing event is redelivered
//     until it succeeds. See [FailureHandler] for the steps and
//     [DeadLetter] for what a DLQ consumer sees.
//
// # Errors
//
//   - [ErrInvalidMessage]: a topic, key, type, header, event id or
//     correlation id breaks the wire format. The error is a *[ValidationError]
//     naming the field. Nothing was sent.
//   - [ErrMalformedPayload]: a *[PayloadError]; on publish the codec could
//     not encode the event, or it is not a JSON object (then it also wraps
//     ErrInvalidMessage, and nothing was sent); on delivery the payload does
//     not decode into the handler's type. The router returns it to the
//     subscriber, which does not acknowledge the message: a poison message is
//     never dropped silently and never crashes the subscriber.
//   - *[BatchError]: the per-message outcome of a batch; errors.Is and
//     errors.As look into every failed message's error.
//   - [ErrClosed]: the provider was closed.
//   - Context errors are returned as they are, unwrapped.
//
// Setup errors (an invalid topic or event type, a duplicate handler) are
// returned by [NewPublisher] and make [Handle] panic.
//
// # Testing
//
// Unit tests run services against package memevents, an in-memory broker
// with the same delivery semantics as Kafka, and its WaitIdle, which returns
// once every published event has been handled. Package eventstest is the
// conformance suite that every provider passes; package kafka/kafkatest
// offers an in-process Kafka broker and event expectations.
package events
