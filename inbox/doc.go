// Package inbox makes event consumers idempotent: events delivered more than
// once (redelivered after a crash or a rebalance, sent twice by a producer
// that retried, republished by an outbox) are applied once.
//
// It offers two tools, built on the protocols events, kv and dao, so they
// work with every provider:
//
//   - [Inbox], a router middleware that records, per consumer group, the
//     ids of the events its handlers handled in a kv.Store (memkv,
//     mongo.NewKV, redis.NewKV, ...) and skips the events it handled before.
//     It works for any handler, but its record is a write of its own, after
//     the handler's effect (see # Guarantees).
//   - [Applier], for handlers whose effect is one write to one document of a
//     DAO: the effect and the record of the event are the same document
//     write, so a crash cannot separate them.
//
// The Inbox as middleware:
//
//	store, err := mongo.NewKV[string](ctx, db, "inbox") // or memkv.NewStore, redis.NewKV
//	in, err := inbox.New(store, "billing")              // the subscriber's group
//	r := events.NewRouter(events.WithMiddleware(in.Middleware()))
//	events.Handle(r, "orders", svc.onOrderPlaced)
//	sub, err := kafka.NewSubscriber(client, "billing", r)
//
// The Applier in a handler:
//
//	ap, err := inbox.NewApplier(counters, // built with dao.WithVersionField
//		func(c *Counter) *string { return &c.ID },
//		func(c *Counter) *[]string { return &c.Applied })
//	events.Handle(r, "clicks", func(ctx context.Context, d events.Delivery[Clicked]) error {
//		_, err := ap.Apply(ctx, d.EventID, d.Key, func(c *Counter, found bool) error {
//			c.Clicks++
//			return nil
//		})
//		return err
//	})
//
// # Semantics
//
// An Inbox keeps one entry per event under the key group + "/" + event id
// ([Inbox.Key]) of its store: a claim while a delivery handles the event,
// then a record that it was handled. A delivery first claims the event (a
// write that succeeds only if the key is absent, expiring after the claim
// timeout, [WithClaimTimeout]); it then runs the handler and replaces the
// claim by the record, which expires after the retention ([WithRetention]).
// A handler error releases the claim, so the redelivered event is handled
// again. A delivery that finds a record skips the event (acknowledges it
// without calling the handler); one that finds a claim fails with
// [ErrInProgress], so the subscriber delivers it again later (or first
// waits for the claim to end, [WithClaimWait]). [Inbox.Wrap] lists the
// steps.
//
// A message whose event id is not a UUID version 4 string (the wire format
// requires one) is refused with [ErrInvalidEventID], which wraps
// events.ErrInvalidMessage too, rather than handled without a record: an
// inbox that let such messages through would apply their duplicates
// silently. The refusal is the router's own policy for messages that break
// the wire format: without a FailureHandler the message stays
// unacknowledged (it is not lost); a FailureHandler dead-letters it as
// poison (it already does before the router sees it).
//
// An Applier reads the document, skips the event if the document lists its
// id, lets the caller's function change the document, appends the event id
// to the document's list (keeping the last [WithKeep] ids) and writes the
// document: Insert for a new one, Update conditional on the version read for
// a stored one, and on a conflict with a concurrent writer it starts again
// ([WithAttempts]). [Applier.Apply] lists the steps.
//
// # Guarantees
//
// Inbox (any handler, records in a kv.Store):
//   - An event that a handler of the group handled successfully, and whose
//     record was written, is not handled again by that group for the
//     retention period, whatever delivers it again. After the retention its
//     record expires and a duplicate is handled again; the store holds one
//     entry per event of the last retention period.
//   - Two deliveries of one event are not handled at the same time, as long
//     as the handler returns within the claim timeout (a claim that times
//     out lets a duplicate in; the Inbox logs a warning when it notices) and
//     the store's conditional writes are atomic across the processes
//     involved (memkv, Redis and MongoDB: yes; FerretDB v1: only between
//     deliveries that share one store value, see package mongo).
//   - This is at-least-once with duplicates removed, not exactly-once: the
//     effect and the record are two writes. If the process crashes after
//     the handler's effect and before the record (or the record cannot be
//     written), the event is handled again when it is redelivered, once its
//     claim has timed out. Handlers whose effect is one document write get
//     exactly-once from the Applier instead.
//   - A failed handler leaves no record: the event is handled again on
//     redelivery.
//   - Events are told apart by their event id only, per group. A dead
//     letter sent back through the retry topic (events.RetryMessage) is
//     delivered by an events.FailureHandler under the failed event's id:
//     the first replay is handled (a failed event has no record), a second
//     replay of the same dead letter is skipped.
//
// Applier (effect and record in one document write):
//   - An event whose id is among the last N ids applied to a document (N is
//     [WithKeep]) is never applied to that document again, even after a
//     crash between the write and the acknowledgement of the event: the
//     write that applies it is the write that records it, and a write that
//     did not happen applied nothing.
//   - A duplicate older than N later events on the same document is not
//     detected and is applied again; so is any duplicate after the document
//     was deleted (its list goes with it).
//   - Concurrent applications to one document (two consumers during a
//     rebalance) never overwrite each other: every update is conditional on
//     the version read, and a conflict makes Apply read again. This needs a
//     DAO built with dao.WithVersionField, and is as strong as the DAO's
//     optimistic concurrency (exact on MongoDB and memdao; on FerretDB v1,
//     within one DAO value, see package mongo).
//   - Only the document's write is covered: anything else the handler does
//     (a publish, a call) is at least once.
//
// # Using it with a FailureHandler
//
// The middleware runs inside each attempt of an events.FailureHandler, so
// it records an event only when the handler succeeded, and never records a
// dead-lettered one. [ErrInProgress] counts as a failed attempt there: after
// a crash, a redelivered event meets its own stale claim until the claim
// times out, and a FailureHandler whose attempts end sooner dead-letters it.
// Give such an inbox [WithClaimWait] equal to the claim timeout: a delivery
// that meets a claim then waits for it to end within one attempt. Without a
// FailureHandler the subscriber simply redelivers until the claim is gone.
//
// # Errors
//
// [ErrInvalidOption] (constructors, nil arguments), [ErrInvalidEventID],
// [ErrInProgress], [ErrNotVersioned] and [ErrIDChanged], matched with
// errors.Is. Errors of the store or DAO come wrapped with their own
// sentinels (kv.ErrUnavailable, dao.ErrConflict, ...); context errors are
// returned unwrapped.
//
// # Testing
//
// Use an Inbox over memkv (whose clock a test can move, to expire claims
// and records) and an Applier over memdao in unit tests: they behave as over
// the servers. [Inbox.Stats] and [Applier.Stats] count duplicates skipped.
package inbox
