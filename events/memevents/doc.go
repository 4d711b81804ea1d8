// Package memevents is an in-memory provider of the events protocol: a
// broker with topics, partitions, consumer groups and committed offsets,
// for unit tests and for running a service on one machine without Kafka.
//
// A [Broker] is an [events.Sender]: give it to events.NewPublisher. A
// [Subscriber] is a member of a consumer group that hands messages to an
// events.MessageHandler, usually an *events.Router:
//
//	b, _ := memevents.New()
//	pub, _ := events.NewPublisher[OrderPlaced](b, "orders")
//	r := events.NewRouter()
//	events.Handle(r, "orders", svc.onOrderPlaced)
//	sub, _ := b.NewSubscriber("shipping", r)
//	go sub.Run(ctx)
//	_ = pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1"})
//	_ = b.WaitIdle(ctx) // every event handled: assert now
//
// # Semantics
//
// The broker behaves like the Kafka provider, so what a service's unit
// tests see is what it will see on Kafka:
//   - Topics have partitions; a message goes to the partition of its key,
//     computed as Kafka's default partitioner does (murmur2), so messages
//     with the same key keep their order. Topics are created on first use
//     with [WithPartitions] partitions (default 1) or explicitly with
//     [Broker.CreateTopic].
//   - Consumer groups: every group receives every message; the partitions
//     of a topic are spread round-robin over the group's members that
//     consume it, and are reassigned when members join or leave. A member
//     that loses a partition finishes its in-flight message first; the new
//     owner resumes from the committed offset.
//   - At least once: a message is committed for its group only after the
//     handler returned nil. A handler error redelivers the same message to
//     the same member after a backoff ([WithRetryBackoff]: 10ms doubling up
//     to 1s by default, a warning logged per failure); later messages of
//     the partition wait. Committed offsets outlive the members: a new
//     subscriber of the group resumes where the last one stopped.
//   - Shutdown: when Run's context ends, the handlers' context is canceled,
//     Run waits for in-flight handlers, leaves the group and returns nil.
//     [Broker.Close] does the same for every subscriber and makes later
//     sends fail with events.ErrClosed.
//   - Isolation: the broker stores and delivers copies; neither publishers
//     nor handlers can change what another group sees.
//
// Differences from Kafka: a message is stored (and acknowledged) the
// moment Send returns, there is no retention limit, no message size limit
// and no rebalance delay; a member joins its group when it is created
// rather than when Run starts (see [Broker.WaitIdle]).
//
// The API has the shape of the Kafka provider's, so switching is a matter
// of wiring: the broker plays the Kafka publisher (an events.Sender with
// Close), NewSubscriber(group, handler, opts) plays the Kafka subscriber
// (whose group is the service name of its configuration) and Run(ctx)
// blocks, drains and returns the same way; [WithRetryBackoff] paces
// redeliveries like the Kafka subscriber's option of the same name.
//
// # Errors
//
// Send returns the errors of the events protocol: a *events.BatchError
// whose entries wrap events.ErrInvalidMessage for messages that break the
// wire format (they are not stored) or events.ErrClosed after Close; a
// done context's error unwrapped. [Broker.CreateTopic] returns
// [ErrTopicExists] for an existing topic.
//
// # Testing
//
// [Broker.WaitIdle] returns once every published message has been handled
// by every group that has members: publish, wait, assert, with no sleeps.
// [Broker.Messages] returns what was published on a topic. The package
// passes the events conformance suite (package eventstest).
package memevents
