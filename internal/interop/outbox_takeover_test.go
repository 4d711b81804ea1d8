package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// metadataShape returns the BSON type of every field of the __metadata__
// of the stored document id (binary subtypes included), leaving out this
// library's own stamp.
func metadataShape(ctx context.Context, t *testing.T, c *mongodriver.Collection, id string) map[string]string {
	t.Helper()
	raw, err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		t.Fatalf("reading %s: %v", id, err)
	}
	meta, ok := raw.Lookup("__metadata__").DocumentOK()
	if !ok {
		t.Fatalf("%s has no __metadata__ document: %s", id, raw)
	}
	return shapeOf(t, meta)
}

// shapeOf returns the BSON type of every field of doc (binary subtypes
// included), leaving out this library's own stamp.
func shapeOf(t *testing.T, doc bson.Raw) map[string]string {
	t.Helper()
	elems, err := doc.Elements()
	if err != nil {
		t.Fatal(err)
	}
	shape := map[string]string{}
	for _, e := range elems {
		if e.Key() != "stamp" {
			shape[e.Key()] = bsonType(e.Value())
		}
	}
	return shape
}

// bsonType names the BSON type of v, with the subtype of a binary.
func bsonType(v bson.RawValue) string {
	if sub, _, ok := v.BinaryOK(); ok {
		return fmt.Sprintf("binary subtype %d", sub)
	}
	return v.Type.String()
}

// TestPythonOutboxContinuedByGo: a Go service takes over a collection and
// topic written by Python hexkit's outbox DAO, and Python takes them back.
//
//   - Go's Get, Find and Count see Python's live documents and none of its
//     tombstones; Go updates and upserts Python's documents, deletes one,
//     cannot insert an id Python deleted (dao.ErrAlreadyExists) but can
//     upsert it, and inserts a new one.
//   - Python's publish_pending publishes exactly Go's pending writes, with
//     Go's documents and correlation ids; Go's relay then publishes exactly
//     the change Python left unpublished.
//   - Documents Go's relay publishes carry the metadata Python writes, field
//     for field and type for type.
//   - Go's Republish and then Python's republish publish the state of every
//     document, tombstones included, alike; Python's get_by_id, find_all
//     and total_count see Go's writes.
func TestPythonOutboxContinuedByGo(t *testing.T) {
	env := newOutboxEnv(t)
	topic := env.b.Topic(t, "py-go-outbox", 3)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// Python's history: a, b, c, f live; d, e deleted.
	history := pythonHistory()
	results, err := env.peer.DAO(ctx, topic, "docs", true, append(history, OutboxOp{Op: "find"})...)
	if err != nil {
		t.Fatal(err)
	}
	checkPythonHistory(t, results[:len(history)])
	pyFinal := byID(decodeValue[[]outboxDoc](t, results[len(history)]))

	// Go reads Python's collection with a relay that does not run yet.
	relay := env.newRelay(t)
	d, err := mongo.NewOutboxDAO[outboxDoc, string](ctx, env.db, "docs", relay, topic)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range pyFinal {
		if got, err := d.Get(ctx, id); err != nil || !cmp.Equal(got, want) {
			t.Errorf("Go's Get(%s) of Python's document: %+v, %v; want %+v", id, got, err, want)
		}
	}
	for _, id := range []string{"d", "e", "nope"} {
		if _, err := d.Get(ctx, id); !errors.Is(err, dao.ErrNotFound) {
			t.Errorf("Go's Get(%s) of a Python tombstone or unknown id: %v, want dao.ErrNotFound", id, err)
		}
	}
	if diff := cmp.Diff(pyFinal, goFind(ctx, t, d)); diff != "" {
		t.Errorf("Go's Find over Python's collection (-python +go):\n%s", diff)
	}
	if n, err := d.Count(ctx, dao.All[outboxDoc]()); err != nil || n != int64(len(pyFinal)) {
		t.Errorf("Go's Count over Python's collection: %d, %v; want %d", n, err, len(pyFinal))
	}

	// Go writes; the relay does not run, so every change stays pending.
	goOps := []OutboxOp{
		writeOp("update", newOutboxDoc("b", 31)),
		writeOp("upsert", newOutboxDoc("c", 32)),
		deleteOp("a"),
		writeOp("insert", newOutboxDoc("d", 33)), // refused: Python's tombstone keeps d
		writeOp("update", newOutboxDoc("e", 34)), // refused: e is deleted
		writeOp("upsert", newOutboxDoc("e", 35)), // e lives again
		writeOp("insert", newOutboxDoc("g", 36)),
	}
	goResults := goHistory(ctx, t, d, goOps, map[int]error{3: dao.ErrAlreadyExists, 4: dao.ErrNotFound})
	goChanges := expectedChanges(goOps, goResults)

	// Python publishes Go's pending changes, and only those; then it
	// writes h without publishing it (as if it had died before).
	rec := env.b.Record(t, topic)
	hOps := []OutboxOp{writeOp("upsert", newOutboxDoc("h", 38))}
	results, err = env.peer.DAO(ctx, topic, "docs", false, OutboxOp{Op: "publish_pending"}, hOps[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(wantPublished(goChanges), publishedByKey(t, rec.Records(t))); diff != "" {
		t.Errorf("Python's publish_pending of Go's writes (-want +got):\n%s", diff)
	}

	// Go's relay runs: it publishes h, the one change Python left pending.
	rec = env.b.Record(t, topic)
	runUntilEnd(ctx, t, "relay", relay.Run)
	if _, err := d.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantPublished(expectedChanges(hOps, results[1:])), publishedByKey(t, rec.Records(t))); diff != "" {
		t.Errorf("Go's relay publishing the change Python left pending (-want +got):\n%s", diff)
	}

	// Go writes again and its relay publishes: Go's metadata is Python's.
	rec = env.b.Record(t, topic)
	moreOps := []OutboxOp{writeOp("update", newOutboxDoc("f", 37)), deleteOp("c")}
	moreChanges := expectedChanges(moreOps, goHistory(ctx, t, d, moreOps, nil))
	if _, err := d.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantPublished(moreChanges), publishedByKey(t, rec.Records(t))); diff != "" {
		t.Errorf("Go's relay publishing Go's writes (-want +got):\n%s", diff)
	}
	coll := env.raw.Collection("docs")
	// b and a were last written by Python (publish_pending rewrites them),
	// f and c by Go.
	for _, pair := range [][2]string{{"b", "f"}, {"a", "c"}} {
		py, gos := metadataShape(ctx, t, coll, pair[0]), metadataShape(ctx, t, coll, pair[1])
		t.Logf("__metadata__ of %s (Python): %v", pair[0], py)
		if diff := cmp.Diff(py, gos); diff != "" {
			t.Errorf("__metadata__ of %s written by Go vs %s written by Python (-python +go):\n%s", pair[1], pair[0], diff)
		}
	}

	// Go republishes the state of every document, tombstones included.
	goFinal := goFind(ctx, t, d)
	wantState := map[string][]published{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		p := published{Type: outbox.DeleteEventType, Payload: map[string]any{}}
		if doc, ok := goFinal[id]; ok {
			b, _ := json.Marshal(doc)
			_ = json.Unmarshal(b, &p.Payload)
			p.Type = outbox.ChangeEventType
		}
		wantState[id] = []published{p}
	}
	rec = env.b.Record(t, topic)
	n, err := d.Republish(ctx)
	if err != nil || n != len(wantState) {
		t.Errorf("Go's Republish: %d, %v; want %d", n, err, len(wantState))
	}
	goRepublished := publishedByKey(t, rec.Records(t))
	withoutCIDs := func(m map[string][]published) map[string][]published {
		out := map[string][]published{}
		for id, ps := range m {
			for _, p := range ps {
				p.CorrelationID = ""
				out[id] = append(out[id], p)
			}
		}
		return out
	}
	if diff := cmp.Diff(wantState, withoutCIDs(goRepublished)); diff != "" {
		t.Errorf("Go's Republish (-want +got):\n%s", diff)
	}
	for id, changes := range moreChanges {
		if got, want := goRepublished[id][0].CorrelationID, changes[len(changes)-1].CorrelationID; got != want {
			t.Errorf("Go republished %s with correlation id %s, want the one of its last write, %s", id, got, want)
		}
	}

	// Python reads Go's writes and republishes them as Go did.
	rec = env.b.Record(t, topic)
	results, err = env.peer.DAO(ctx, topic, "docs", false,
		OutboxOp{Op: "get", ID: "b"}, OutboxOp{Op: "get", ID: "g"}, OutboxOp{Op: "get", ID: "a"},
		OutboxOp{Op: "get", ID: "c"}, OutboxOp{Op: "find"}, OutboxOp{Op: "count"},
		OutboxOp{Op: "publish_pending"}, OutboxOp{Op: "republish"})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"b", "g"} {
		if got := decodeValue[outboxDoc](t, results[i]); !cmp.Equal(got, goFinal[id]) {
			t.Errorf("Python's get_by_id(%s) of Go's document: %+v, want %+v", id, got, goFinal[id])
		}
	}
	for _, r := range results[2:4] {
		if r.Error != "ResourceNotFoundError" {
			t.Errorf("Python's get_by_id of a document Go deleted: %s %s, want ResourceNotFoundError", r.Value, r.Error)
		}
	}
	if diff := cmp.Diff(goFinal, byID(decodeValue[[]outboxDoc](t, results[4]))); diff != "" {
		t.Errorf("Python's find_all after Go's writes (-go +python):\n%s", diff)
	}
	if n := decodeValue[int](t, results[5]); n != len(goFinal) {
		t.Errorf("Python's total_count: %d, want %d", n, len(goFinal))
	}
	for _, r := range results[6:] {
		if err := r.Err(); err != nil {
			t.Errorf("Python on Go's writes: %v", err)
		}
	}
	if diff := cmp.Diff(goRepublished, publishedByKey(t, rec.Records(t))); diff != "" {
		t.Errorf("Python's republish after Go's (-go +python):\n%s", diff)
	}
}
