// Package kafka is the Apache Kafka provider of hexkit's events protocol,
// built on franz-go.
//
// A [Client] is the connection: [Open] dials from a [Config] (brokers, the
// service and instance names, TLS, SASL PLAIN or SCRAM-SHA-256/512,
// producer tuning, extra franz-go options) and [New] wraps a *kgo.Client
// the caller built. On a client, [NewPublisher] returns a typed
// events.Publisher, [NewSender] an events.Sender and [NewSubscriber] an
// events.Subscriber that runs an events.MessageHandler (normally an
// events.Router) as a member of a consumer group, with the options of
// package events; the client's [Option]s tune consuming. The Client also
// creates and deletes topics for tests and tools. Package kafkatest offers
// an in-process broker and expectation helpers for tests.
//
// # Wire format
//
// A message is one record: key = the ASCII key, value = the payload,
// headers type, event_id and correlation_id plus the user's headers, as
// Python hexkit writes them. Records are partitioned by key with Kafka's
// default (murmur2) partitioner, so services in either language agree on
// the partition of a key. The client id is "<service>.<instance>".
//
// # Delivery semantics
//
// Publishing: the producer is idempotent and waits for all in-sync
// replicas (acks=all). Package events validates every message first
// (invalid ones fail with events.ErrInvalidMessage and are not sent); the
// rest are produced asynchronously, so concurrent calls share batches
// (records queue behind requests in flight; Config.Linger, default 0, can
// hold batches open longer), and a call returns once every record is
// acknowledged or failed, with the error of each. The empty key is sent as
// an empty (not null) key, as Python hexkit does. Client.Close flushes
// what is buffered.
//
// Consuming is at least once. The consumer group is NewSubscriber's group
// argument (services pass Config.ServiceName); a group without committed
// offsets starts at the earliest offset (see [WithStartAtLatest]). Each
// assigned partition gets its own worker, so partitions are handled
// concurrently while records of one partition are handled in offset order;
// [WithKeyConcurrency] relaxes this to order per key. A record's offset is
// marked only after the handler returned nil for it and for every record
// before it in the partition, and marked offsets are committed every five
// seconds, when partitions are revoked (after their running handlers have
// returned) and when Run shuts down. So a commit never covers a record that
// was not handled, and after a crash or a rebalance the next owner resumes at
// the first record not yet committed: records may be handled twice, never
// skipped.
//
// A handler error does not skip the record: it is retried, with an
// exponential backoff (events.WithRetryBackoff, 100ms doubling up to 10s), on
// its partition only, until it succeeds, the partition is revoked or Run
// ends. Other partitions go on meanwhile: a partition whose worker holds
// more than [WithMaxQueuedRecords] records or [WithMaxQueuedBytes] bytes
// (10000 records, 1 MiB) for longer than a moment stops being fetched
// until it is below both again. Every failed attempt is logged and given,
// as a *[HandlerError], to the hook of events.WithErrorHook. Retrying forever is
// the safe default; for a bounded number of attempts and a dead letter queue,
// wrap the handler in an events.FailureHandler (dead letters are worked with
// [DLQ]). A panic in a handler is recovered and treated as an error.
//
// The handler gets a fresh *events.Message per delivery: a redelivery
// decodes the record again, so what a handler changed in its message or
// its headers map does not reach the next attempt. Its strings are its
// own, while its payload is the fetched record's memory on every delivery
// of the record: do not write to it, or the redeliveries see what was
// written (package memevents copies the payload for every delivery). The
// messages of one fetched batch share one allocation, so keeping a
// *events.Message keeps its batch's messages alive (copy what you keep;
// the router passes values).
//
// Records are handed over as they are: a missing type or correlation id is
// for the router to judge (it refuses the first and generates the second
// unless strict). A record that cannot be represented as a message, one
// with a header given twice, fails with a *[RecordError] wrapping
// events.ErrInvalidMessage and is retried like a handler error: it is
// reported, never committed and never skipped; unless the handler
// implements events.UndecodableHandler, as an events.FailureHandler does:
// it gets the record and dead-letters it.
//
// Run(ctx) returns after a graceful drain when ctx ends: fetching stops, the
// handlers' context (ctx) is canceled, running handlers are awaited, the
// handled offsets are committed and the member leaves the group. Records
// fetched but not yet handled are left uncommitted for the next owner.
// Client.Close drains every running subscriber the same way, without the
// bound of events.WithDrainTimeout (Close itself stops waiting when its
// ctx ends); their Run returns events.ErrClosed. Each subscriber's Run builds a franz-go client
// of its own (a client belongs to at most one group), from the Config's
// options or, for a client from [New], from the wrapped client's options.
// WaitIdle compares the group's committed offsets (after committing what
// this member handled) with the end offsets of its topics at the call.
//
// # Errors
//
// Driver errors are mapped in one place to the sentinels of package
// events: a closed client gives events.ErrClosed; a missing topic
// events.ErrTopicNotFound (a publish learns it within about a second, on a
// client of Open whether or not it has published before); an existing one
// on create events.ErrTopicExists; an invalid topic name
// events.ErrInvalidMessage (CreateTopics, TopicExists and every publish
// check names with events.ValidateTopic before asking the brokers); an
// oversized record events.ErrMessageTooLarge; failed authentication or
// authorization,
// including a SASL mechanism the brokers do not offer,
// events.ErrUnauthorized; others are wrapped with a "kafka: "
// prefix. Mapped errors still wrap the franz-go error, so errors.As reaches
// *kerr.Error. Context errors are returned unwrapped. Bad configuration or
// options fail the constructors with [ErrInvalidConfig] (wrapping
// events.ErrInvalidOption too for an option of package events), and so
// does a topic config that CreateTopics or the brokers refuse (see
// [TopicSpec]).
//
// # As
//
// Client.As reaches the franz-go client behind it: pass a **kgo.Client or
// a **kadm.Client. A subscriber's As (events.Subscriber.As) takes a
// **kgo.Client and reaches its own client only while Run runs.
// Use it for what hexkit does not cover, such as metrics or lag queries;
// producing or committing through it bypasses hexkit's guarantees.
//
// # Security
//
// Config.SASL's password is a hexkit.Secret, and Config's String, GoString
// and LogValue leave secrets out, so a config can be logged. [Open] dials,
// so refused credentials fail at startup with events.ErrUnauthorized;
// [Client.Ping] checks again later. TLS comes from a
// *tls.Config or from PEM files (Config.TLSFiles).
package kafka
