// Package events is hexkit's typed publish/subscribe protocol.
//
// Services publish and handle typed Go values; the protocol turns them into
// [Message] values, the erased wire form that providers carry (package
// kafka for Apache Kafka, package memevents in memory). A service meets the
// protocol at two interfaces, [Publisher] and [Subscriber], which every
// provider's constructors return:
//
//	type OrderPlaced struct {
//		ID    string `json:"id"`
//		Total int    `json:"total"`
//	}
//
//	func (OrderPlaced) EventType() string { return "order_placed" }
//
//	pub, err := kafka.NewPublisher[OrderPlaced](client, "orders") // or memevents.NewPublisher
//	err = pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1", Total: 42})
//
//	r := events.NewRouter()
//	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[OrderPlaced]) error {
//		return svc.Ship(ctx, d.Event)
//	})
//	sub, err := kafka.NewSubscriber(client, "shipping", r) // or memevents.NewSubscriber
//	err = sub.Run(ctx) // until ctx ends, then a graceful drain
//
// A [Publisher] encodes events with a [Codec] (JSON by default), stamps the
// event type, a fresh event id and the correlation id, validates and sends.
// A [Router] is the [MessageHandler] that a subscriber calls for every
// delivered message; it decodes the payload and calls the [Handler]
// registered with [Handle] for the message's topic and type. A [Sender]
// publishes messages as they are (dead letter queues, tools).
//
// Every provider takes the same [SubscriberOption]s with the same defaults
// and validation: [WithTopics] (default: the handler's, see [TopicLister]),
// [WithRetryBackoff] (100ms doubling up to 10s), [WithDrainTimeout] (30s),
// [WithLogger] and [WithErrorHook]. Provider constructors return the user-facing interfaces;
// package events/driver is the contract behind them, which only providers
// import (see [NewPublisher], [NewSender], [NewSubscriber]).
//
// # Wire format
//
// The format is that of Python hexkit, so Go and Python services share
// topics: the key is a printable ASCII string; the payload is a JSON object
// (with the default codec); headers "type" (the event type), "event_id" (a
// UUID version 4) and "correlation_id" (a UUID version 4) travel next to
// the user's own headers, which are printable ASCII and may not use those
// three names. The type is printable ASCII and not empty. The empty key is
// valid, as in Python hexkit: it is a key like any other (Kafka hashes it
// to one partition, so events with the empty key keep their order). Topic
// names follow Kafka's rules, on every provider ([ValidateTopic]): 1 to
// 249 ASCII letters, digits, '.', '_' and '-', not "." or "..".
//
// # Semantics
//
// Publishing: [Publisher.Publish] returns once the transport acknowledged the
// event, so its error is the real outcome; [Publisher.PublishBatch] sends
// many events in one call and reports per event. Topics are never created by
// publishing: a publish to a topic that does not exist fails with
// [ErrTopicNotFound] on every provider (Kafka brokers run with automatic
// topic creation off). The correlation id comes from the context
// ([github.com/hexkit-go/hexkit.CorrelationID]) or is generated
// ([WithStrictCorrelationID] refuses instead).
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
//   - Shutdown: a subscriber's Run returns nil after its context ends and its
//     in-flight handlers returned, and [ErrClosed] when its provider is
//     closed. The handler's context ends with the subscriber's, so a long
//     handler can stop early; what it did not finish (returned an error) is
//     redelivered later. The drain after Run's context ended is bounded
//     ([WithDrainTimeout], default [DefaultDrainTimeout]): past it Run
//     returns a *[DrainError] naming the messages whose handlers ignore
//     their context (wrapping [ErrClosed] too when the provider was closed
//     by then), and those stay unacknowledged. The drain that closing
//     the provider starts waits for such handlers until Run's context ends
//     too, and the provider's Close waits for them longer (see
//     [Subscriber].Run).
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
// Sentinels are shared by every provider, so errors.Is works whatever the
// transport; providers wrap their driver's error too, for errors.As.
//
//   - [ErrInvalidMessage]: a topic, key, type, header, event id or
//     correlation id breaks the wire format. The error is a *[ValidationError]
//     naming the field. Nothing was sent. An event type that cannot name
//     itself (a pointer type, see [Event]) is refused the same way when a
//     publisher is built or a handler registered.
//   - [ErrTopicNotFound]: the topic does not exist; [ErrTopicExists]: a
//     topic to create exists already.
//   - [ErrMessageTooLarge], [ErrUnauthorized]: the transport's size limit;
//     refused credentials or ACLs.
//   - [ErrInvalidOption]: a constructor got an invalid option, group or
//     handler; providers wrap it together with their ErrInvalidConfig.
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
// returned by the publisher constructors and make [Handle] panic with the
// error.
//
// # Testing
//
// Unit tests run services against package memevents, an in-memory broker
// with the same delivery semantics as Kafka and the same refusals (topic
// names, missing topics). [Subscriber.WaitIdle] returns once every event
// published so far has been handled, on every provider. Package eventstest
// is the conformance suite that every provider passes, and offers test
// helpers that work on any provider; package kafka/kafkatest offers an
// in-process Kafka broker and event expectations.
package events
