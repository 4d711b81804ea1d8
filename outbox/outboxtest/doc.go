// Package outboxtest is the conformance suite of package outbox: every
// provider of outbox DAOs, persistent publishers and relay leases runs
// [Run] in its tests, on every broker it supports.
//
// A provider implements [Harness] over its constructors; the broker is a
// [Broker]: [NewMemBroker] for events/memevents, and kafkatest.Broker for
// Kafka (in-process or real). The suite checks every rule of package outbox
// and of its driver contract: the events each write publishes (type,
// payload, key, event and correlation ids), tombstones, versioned and
// unique DAOs through the outbox, PublishPending and Republish, writes
// racing a publication, broker failures (nothing lost, per-document order
// kept), relays of several instances sharing a lease (one publisher at a
// time, takeover after a shutdown and after a death, renewal during a long
// pass), graceful shutdown, option validation, the persistent publisher
// (ids kept, order, compaction, republication, shared stores) and
// HandleChanges. A failure names the rule that was broken.
// [RunPlainDocuments] adds the rules about documents written by a plain
// DAO, for providers that can open one over an outbox collection.
//
// # Writing a harness
//
// A database provider gives each harness a database of its own (so
// collections, stores and the lease are the harness's alone) and opens
// everything by name in it; with the MongoDB provider:
//
//	type harness struct {
//		db *mongo.DB
//		b  outboxtest.Broker
//	}
//
//	func (h *harness) Broker() outboxtest.Broker { return h.b }
//	func (h *harness) NewRelay(s events.Sender, opts ...outbox.RelayOption) (*outbox.Relay, error) {
//		return mongo.NewRelay(h.db, s, opts...)
//	}
//	func (h *harness) Docs(r *outbox.Relay, coll, topic string, opts ...dao.Option[outboxtest.Doc]) (outbox.DAO[outboxtest.Doc, string], error) {
//		return mongo.NewOutboxDAO[outboxtest.Doc, string](context.Background(), h.db, coll, r, topic, opts...)
//	}
//	// Items, Tickets and Publisher likewise; PlainDocs with mongo.NewDAO.
//
//	func TestOutboxConformance(t *testing.T) {
//		kafka := kafkatest.New(t) // kfake, or the real broker from the environment
//		outboxtest.Run(t, func(t *testing.T) outboxtest.Harness {
//			return &harness{db: newTestDB(t), b: kafka}
//		})
//	}
package outboxtest
