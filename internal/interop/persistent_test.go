package interop

import (
	"context"
	"encoding/json"
	"maps"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// sentEvent is an event of a persistent publisher as it is published.
type sentEvent struct {
	Topic, Key, Type, EventID, CorrelationID string
	Headers                                  map[string]string // user headers; nil when none
	Payload                                  any
}

// newSentEvent returns an interopEvent to publish to topic under key, with
// fresh event and correlation ids, and a user header when n is odd.
func newSentEvent(topic, key string, n int) sentEvent {
	e := sentEvent{Topic: topic, Key: key, Type: interopEvent{}.EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: map[string]any{"n": float64(n), "note": "ü " + key}}
	if n%2 == 1 {
		e.Headers = map[string]string{"tenant": "t-" + key}
	}
	return e
}

// publish publishes e with a Go publisher.
func (e sentEvent) publish(ctx context.Context, pub events.Publisher[interopEvent]) error {
	return pub.Publish(hexkit.WithCorrelationID(ctx, e.CorrelationID), e.Key, e.event(),
		events.WithEventID(e.EventID), events.WithHeaders(e.Headers))
}

// event returns the interopEvent of e's payload.
func (e sentEvent) event() interopEvent {
	p := e.Payload.(map[string]any)
	return interopEvent{N: int(p["n"].(float64)), Note: p["note"].(string)}
}

// op returns the operation that makes Python's persistent publisher
// publish e.
func (e sentEvent) op(name string) OutboxOp {
	b, _ := json.Marshal(e.Payload)
	return OutboxOp{Op: name, Event: &Event{Topic: e.Topic, Key: e.Key, Type: e.Type, EventID: e.EventID,
		CorrelationID: e.CorrelationID, Headers: e.Headers, Payload: b}}
}

// sentEvents reads records as sentEvents, sorted by topic, key and event
// id (a persistent publisher keeps the order of events stored in one
// millisecond only up to their compaction keys).
func sentEvents(t *testing.T, recs ...[]kafkatest.Recorded) []sentEvent {
	t.Helper()
	return sortedEvents(recordedEvents(t, recs...))
}

// recordedEvents reads records as sentEvents, in the order of recs.
func recordedEvents(t *testing.T, recs ...[]kafkatest.Recorded) []sentEvent {
	t.Helper()
	var got []sentEvent
	for _, rs := range recs {
		for _, r := range rs {
			m := r.Message
			var payload any
			if err := json.Unmarshal(m.Payload, &payload); err != nil {
				t.Fatalf("event %s: payload %s: %v", m.EventID, m.Payload, err)
			}
			got = append(got, sentEvent{m.Topic, m.Key, m.Type, m.EventID, m.CorrelationID, m.Headers, payload})
		}
	}
	return got
}

func sortedEvents(es []sentEvent) []sentEvent {
	es = append([]sentEvent(nil), es...)
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.EventID < b.EventID
	})
	return es
}

// storedEvent is an event as Python's persistent publisher reads it from
// the collection (PersistentKafkaEvent in JSON).
type storedEvent struct {
	CompactionKey string            `json:"compaction_key"`
	Topic         string            `json:"topic"`
	Payload       any               `json:"payload"`
	Key           string            `json:"key"`
	Type          string            `json:"type_"`
	EventID       string            `json:"event_id"`
	Headers       map[string]string `json:"headers"`
	CorrelationID string            `json:"correlation_id"`
	Created       time.Time         `json:"created"`
	Published     bool              `json:"published"`
}

// stored returns e as Python's model holds it once stored under
// compactionKey.
func (e sentEvent) stored(compactionKey string, published bool) storedEvent {
	headers := map[string]string{}
	maps.Copy(headers, e.Headers)
	return storedEvent{CompactionKey: compactionKey, Topic: e.Topic, Payload: e.Payload, Key: e.Key, Type: e.Type,
		EventID: e.EventID, Headers: headers, CorrelationID: e.CorrelationID, Published: published}
}

// checkStored compares the events Python's "list" returned with want,
// by compaction key; every one must have been created within the test.
func checkStored(t *testing.T, what string, r OutboxResult, since time.Time, want ...storedEvent) {
	t.Helper()
	got := map[string]storedEvent{}
	for _, e := range decodeValue[[]storedEvent](t, r) {
		if e.Created.Before(since.Add(-time.Second)) || e.Created.After(time.Now().Add(time.Second)) {
			t.Errorf("%s: %s created %v, not during the test", what, e.CompactionKey, e.Created)
		}
		e.Created = time.Time{}
		got[e.CompactionKey] = e
	}
	wantBy := map[string]storedEvent{}
	for _, e := range want {
		wantBy[e.CompactionKey] = e
	}
	if diff := cmp.Diff(wantBy, got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

// persistentPublishers starts a relay on env's database and returns it with
// Go persistent publishers of interopEvents to plain and to compact (a
// compacted topic), storing their events in the collection "events".
func (env outboxEnv) persistentPublishers(ctx context.Context, t *testing.T, plain, compact string) (*outbox.Relay, outbox.PersistentPublisher[interopEvent], outbox.PersistentPublisher[interopEvent]) {
	t.Helper()
	relay := env.newRelay(t)
	runUntilEnd(ctx, t, "relay", relay.Run)
	pub, err := mongo.NewPersistentPublisher[interopEvent](ctx, env.db, "events", relay, plain)
	if err != nil {
		t.Fatal(err)
	}
	pubC, err := mongo.NewPersistentPublisher[interopEvent](ctx, env.db, "events", relay, compact, outbox.WithCompaction())
	if err != nil {
		t.Fatal(err)
	}
	return relay, pub, pubC
}

// TestGoPersistentEventsRepublishedByPython: events stored by Go's
// persistent publishers (one topic compacted) and published by Go's relay
// are what Python hexkit's PersistentKafkaPublisher reads from the same
// collection, marked published (its publish_pending sends nothing), and
// its republish sends them again with their event ids, correlation ids
// and payloads: the latest per key on the compacted topic.
func TestGoPersistentEventsRepublishedByPython(t *testing.T) {
	env := newOutboxEnv(t)
	plain, compact := env.b.Topic(t, "go-persist", 1), env.b.Topic(t, "go-persist-c", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	relay, pub, pubC := env.persistentPublishers(ctx, t, plain, compact)

	recP, recC := env.b.Record(t, plain), env.b.Record(t, compact)
	k1, k2 := newSentEvent(plain, "k1", 1), newSentEvent(plain, "k2", 2)
	x3, x4, y5 := newSentEvent(compact, "x", 3), newSentEvent(compact, "x", 4), newSentEvent(compact, "y", 5)
	for _, e := range []sentEvent{k1, k2, x3, x4, y5} {
		p := pub
		if e.Topic == compact {
			p = pubC
		}
		if err := e.publish(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := relay.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedEvents([]sentEvent{k1, k2}), sentEvents(t, recP.Records(t))); diff != "" {
		t.Errorf("Go's relay published (-want +got):\n%s", diff)
	}
	// x3 may be replaced by x4 before the relay sends it.
	if got := recordedEvents(t, recC.Records(t)); len(got) < 2 || !isSubsequence(got, []sentEvent{x3, x4, y5}) || !cmp.Equal(got[len(got)-2:], []sentEvent{x4, y5}) {
		t.Errorf("Go's relay published %v on the compacted topic, want x3 (maybe), x4, y5", got)
	}

	recP, recC = env.b.Record(t, plain), env.b.Record(t, compact)
	results, err := env.peer.Persistent(ctx, "events", []string{compact},
		OutboxOp{Op: "publish_pending"}, OutboxOp{Op: "list"}, OutboxOp{Op: "republish"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	checkStored(t, "Python's view of Go's stored events", results[1], start,
		k1.stored(k1.EventID, true), k2.stored(k2.EventID, true),
		x4.stored(compact+":x", true), y5.stored(compact+":y", true))
	want := sortedEvents([]sentEvent{k1, k2, x4, y5})
	if diff := cmp.Diff(want, sentEvents(t, recP.Records(t), recC.Records(t))); diff != "" {
		t.Errorf("Python's publish_pending and republish of Go's events (-want +got):\n%s", diff)
	}
}

// TestPythonPersistentEventsRepublishedByGo: events stored by Python
// hexkit's PersistentKafkaPublisher, some left unpublished by a failing
// broker, are published by Go's relay (the pending ones, once, with their
// original ids and payloads) and republished by Go's Republish (every one
// of the topic; the latest per key on a compacted topic). An event Go
// stores in the same collection has the fields and BSON types of Python's,
// and Python sees every event published afterwards.
func TestPythonPersistentEventsRepublishedByGo(t *testing.T) {
	env := newOutboxEnv(t)
	plain, compact := env.b.Topic(t, "py-persist", 1), env.b.Topic(t, "py-persist-c", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()

	p1, p2, p3 := newSentEvent(plain, "p1", 1), newSentEvent(plain, "p2", 2), newSentEvent(plain, "p3", 3)
	z7, z8, w9 := newSentEvent(compact, "z", 7), newSentEvent(compact, "z", 8), newSentEvent(compact, "w", 9)
	recP, recC := env.b.Record(t, plain), env.b.Record(t, compact)
	results, err := env.peer.Persistent(ctx, "events", []string{compact},
		p1.op("publish"), p2.op("publish"), p3.op("publish_failing"),
		z7.op("publish"), z8.op("publish"), w9.op("publish_failing"), OutboxOp{Op: "list"})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if failing := i == 2 || i == 5; (r.Error == "RuntimeError") != failing {
			t.Fatalf("Python operation %d (%s): error %q (%s); want a RuntimeError exactly when the broker fails", i, r.Op, r.Error, r.Message)
		}
	}
	checkStored(t, "Python's stored events", results[6], start,
		p1.stored(p1.EventID, true), p2.stored(p2.EventID, true), p3.stored(p3.EventID, false),
		z8.stored(compact+":z", true), w9.stored(compact+":w", false))
	if diff := cmp.Diff(sortedEvents([]sentEvent{p1, p2, z7, z8}), sentEvents(t, recP.Records(t), recC.Records(t))); diff != "" {
		t.Fatalf("Python published (-want +got):\n%s", diff)
	}

	// Go's relay publishes the two events Python left pending.
	recP, recC = env.b.Record(t, plain), env.b.Record(t, compact)
	relay, pub, pubC := env.persistentPublishers(ctx, t, plain, compact)
	if _, err := relay.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedEvents([]sentEvent{p3, w9}), sentEvents(t, recP.Records(t), recC.Records(t))); diff != "" {
		t.Errorf("Go's relay publishing Python's pending events (-want +got):\n%s", diff)
	}

	// An event Go stores looks like one Python stores.
	g4 := newSentEvent(plain, "g4", 4)
	if err := g4.publish(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if _, err := relay.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	coll := env.raw.Collection("events")
	shapes := map[string]map[string]string{}
	for _, id := range []string{p1.EventID, g4.EventID} {
		raw, err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if err != nil {
			t.Fatalf("reading stored event %s: %v", id, err)
		}
		shapes[id] = shapeOf(t, raw)
	}
	t.Logf("an event stored by Python: %v", shapes[p1.EventID])
	if diff := cmp.Diff(shapes[p1.EventID], shapes[g4.EventID]); diff != "" {
		t.Errorf("the fields of an event stored by Go vs one stored by Python (-python +go):\n%s", diff)
	}

	// Go republishes each topic.
	recP, recC = env.b.Record(t, plain), env.b.Record(t, compact)
	if n, err := pub.Republish(ctx); err != nil || n != 4 {
		t.Errorf("Go's Republish of %s: %d, %v; want 4", plain, n, err)
	}
	if n, err := pubC.Republish(ctx); err != nil || n != 2 {
		t.Errorf("Go's Republish of %s: %d, %v; want 2", compact, n, err)
	}
	if diff := cmp.Diff(sortedEvents([]sentEvent{p1, p2, p3, g4, z8, w9}), sentEvents(t, recP.Records(t), recC.Records(t))); diff != "" {
		t.Errorf("Go's Republish of Python's events (-want +got):\n%s", diff)
	}

	results, err = env.peer.Persistent(ctx, "events", []string{compact}, OutboxOp{Op: "list"})
	if err != nil {
		t.Fatal(err)
	}
	checkStored(t, "Python's stored events after Go's Republish", results[0], start,
		p1.stored(p1.EventID, true), p2.stored(p2.EventID, true), p3.stored(p3.EventID, true),
		g4.stored(g4.EventID, true), z8.stored(compact+":z", true), w9.stored(compact+":w", true))
}
