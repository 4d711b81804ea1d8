// Package memevents is an in-memory provider of the events protocol: a
// broker with topics, partitions, consumer groups and committed offsets,
// for unit tests and for running a service on one machine without Kafka.
//
// [New] returns a [Broker]; [NewPublisher], [NewSender] and
// [NewSubscriber] build on it the same events.Publisher, events.Sender and
// events.Subscriber that package kafka returns, with the same options:
//
//	b, _ := memevents.New()
//	_ = b.CreateTopic("orders", 3)
//	pub, _ := memevents.NewPublisher[OrderPlaced](b, "orders")
//	r := events.NewRouter()
//	events.Handle(r, "orders", svc.onOrderPlaced)
//	sub, _ := memevents.NewSubscriber(b, "shipping", r)
//	go sub.Run(ctx)
//	_ = pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1"})
//	_ = sub.WaitIdle(ctx) // every event handled: assert now
//
// # Semantics
//
// The broker behaves like the Kafka provider, so what a service's unit
// tests see is what it will see on Kafka:
//   - Topics have partitions and are created explicitly, by
//     [Broker.CreateTopic], as operations create them on Kafka: publishing
//     to a topic that does not exist fails with events.ErrTopicNotFound,
//     and topic names follow Kafka's rules (events.ValidateTopic). A message
//     goes to the partition of its key, computed as Kafka's default
//     partitioner does (murmur2), so messages with the same key keep their
//     order.
//   - Consumer groups: every group receives every message; the partitions
//     of a topic are spread round-robin over the group's members that
//     consume it, and are reassigned when members join or leave. A member
//     that loses a partition finishes its in-flight message first; the new
//     owner resumes from the committed offset. A subscriber of a topic that
//     does not exist yet consumes it once it is created.
//   - At least once: a message is committed for its group only after the
//     handler returned nil. A handler error redelivers the same message to
//     the same member after the backoff of events.WithRetryBackoff (100ms
//     doubling up to 10s by default, a warning logged per failure); later
//     messages of the partition wait. Committed offsets outlive the members:
//     a new subscriber of the group resumes where the last one stopped.
//   - Shutdown: when Run's context ends, the handlers' context is canceled,
//     Run waits for in-flight handlers, leaves the group and returns nil.
//     [Broker.Close] does the same for every subscriber (their Run returns
//     events.ErrClosed), without the bound of events.WithDrainTimeout, and
//     makes later sends fail with events.ErrClosed.
//   - Isolation: the broker stores copies of what a Sender sends and of
//     what a publisher with a custom codec encodes (a typed publisher with
//     the default codec hands over the message it built for the call,
//     which nothing else references), and every delivery, a redelivery
//     included, gets its own copy: neither publishers nor handlers can
//     change what another delivery sees.
//
// Differences from Kafka: a message is stored (and acknowledged) the
// moment Send returns, there is no retention limit and no rebalance delay,
// every delivery gets a copy of the payload (on Kafka every delivery of a
// record shares its fetched payload, which handlers must not write to),
// and a member joins its group when it is created rather than when Run
// starts (see [Broker.WaitIdle]). The size limit ([WithMaxMessageSize],
// 1 MiB by default, as kafka.Config.MaxMessageSize) counts a message with
// Kafka's framing, as the kafka provider does, so both refuse the same
// messages.
//
// # Errors
//
// Publishing returns the errors of the events protocol: an error wrapping
// events.ErrInvalidMessage for messages that break the wire format (they
// are not stored), events.ErrTopicNotFound for a topic that does not
// exist, events.ErrMessageTooLarge for a message over the size limit,
// events.ErrClosed after Close; a done context's error unwrapped.
// [Broker.CreateTopic] returns events.ErrTopicExists for an existing topic.
// Invalid options fail the constructors with [ErrInvalidConfig].
//
// # Testing
//
// events.Subscriber.WaitIdle (and [Broker.WaitIdle], for every group)
// returns once every published message has been handled: publish, wait,
// assert, with no sleeps. [Broker.Messages] returns what was published on
// a topic. The package passes the events conformance suite (package
// eventstest).
package memevents
