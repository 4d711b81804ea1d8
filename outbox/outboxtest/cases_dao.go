package outboxtest

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
)

// testInsertPublishes: an insert is stored, not published, until the relay
// publishes it: then one "upserted" event with the full document, keyed by
// the id, with the writing context's correlation id.
func testInsertPublishes(e *env) {
	topic, _, d := e.setup()
	ctx, cid := e.cctx()
	doc := Doc{ID: "a", Name: "ada", N: 1}
	e.must(d.Insert(ctx, doc), "Insert")
	got, err := d.Get(ctx, "a")
	if err != nil || got != doc {
		e.t.Fatalf("Get after Insert = %+v, %v; want %+v", got, err, doc)
	}
	if ms := e.msgs(topic); len(ms) != 0 {
		e.t.Fatalf("a write published before the relay ran (no Run, no PublishPending):\n%s", show(ms))
	}
	e.publish(d, 1, "one insert, one pending change")
	ms := e.msgs(topic)
	if len(ms) != 1 {
		e.t.Fatalf("topic holds %d events after one insert, want 1:\n%s", len(ms), show(ms))
	}
	e.checkChange(ms[0], topic, "a", doc, cid)
}

// testEveryWritePublishes: insert, update, upsert (new and existing) and
// delete each publish exactly their event.
func testEveryWritePublishes(e *env) {
	topic, _, d := e.setup()
	type step struct {
		what  string
		write func() error
		key   string
		doc   any // nil: a deletion
	}
	var ctxCID string
	steps := []step{
		{"Insert", func() error { return d.Insert(e.cctxInto(&ctxCID), Doc{ID: "a", Name: "one", N: 1}) }, "a", Doc{ID: "a", Name: "one", N: 1}},
		{"Update", func() error { _, err := d.Update(e.cctxInto(&ctxCID), Doc{ID: "a", Name: "two", N: 2}); return err }, "a", Doc{ID: "a", Name: "two", N: 2}},
		{"Upsert of a new id", func() error { _, err := d.Upsert(e.cctxInto(&ctxCID), Doc{ID: "b", Name: "new", N: 3}); return err }, "b", Doc{ID: "b", Name: "new", N: 3}},
		{"Upsert of a stored id", func() error { _, err := d.Upsert(e.cctxInto(&ctxCID), Doc{ID: "b", Name: "again", N: 4}); return err }, "b", Doc{ID: "b", Name: "again", N: 4}},
		{"Delete", func() error { return d.Delete(e.cctxInto(&ctxCID), "a") }, "a", nil},
	}
	for i, s := range steps {
		e.must(s.write(), s.what)
		e.publish(d, 1, s.what+" leaves exactly one pending change")
		ms := e.msgs(topic)
		if len(ms) != i+1 {
			e.t.Fatalf("after %s the topic holds %d events, want %d:\n%s", s.what, len(ms), i+1, show(ms))
		}
		e.checkChange(ms[i], topic, s.key, s.doc, ctxCID)
	}
	e.publish(d, 0, "everything was published")
	ms := e.msgs(topic)
	ids := map[string]bool{}
	for _, m := range ms {
		if ids[m.EventID] {
			e.t.Errorf("event id %s used twice: every event gets a fresh one", m.EventID)
		}
		ids[m.EventID] = true
	}
}

// cctxInto returns a context with a fresh correlation id and stores the id
// in *cid.
func (e *env) cctxInto(cid *string) context.Context {
	ctx, id := e.cctx()
	*cid = id
	return ctx
}

// testLatestStateOnly: writes to one document before a publication publish
// its latest state once, with the correlation id of the last write.
func testLatestStateOnly(e *env) {
	topic, _, d := e.setup()
	ctx, _ := e.cctx()
	e.must(d.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	_, err := d.Update(ctx, Doc{ID: "a", N: 2})
	e.must(err, "Update")
	lastCtx, lastCID := e.cctx()
	_, err = d.Upsert(lastCtx, Doc{ID: "a", N: 3})
	e.must(err, "Upsert")
	e.must(d.Insert(ctx, Doc{ID: "b", N: 1}), "Insert b")
	e.must(d.Delete(lastCtx, "b"), "Delete b")
	e.publish(d, 2, "two documents written, one pending change each")
	ms := e.msgs(topic)
	if len(ms) != 2 {
		e.t.Fatalf("topic holds %d events, want 2 (the latest state of each document):\n%s", len(ms), show(ms))
	}
	e.checkChange(ms[0], topic, "a", Doc{ID: "a", N: 3}, lastCID)
	e.checkChange(ms[1], topic, "b", nil, lastCID)
}

// testCorrelationID: a write without a correlation id gets a fresh one per
// write, stored and published.
func testCorrelationID(e *env) {
	topic, _, d := e.setup()
	e.must(d.Insert(e.ctx(), Doc{ID: "a"}), "Insert")
	e.must(d.Insert(e.ctx(), Doc{ID: "b"}), "Insert")
	e.publish(d, 2, "two inserts")
	ms := e.msgs(topic)
	if len(ms) != 2 {
		e.t.Fatalf("topic holds %d events, want 2:\n%s", len(ms), show(ms))
	}
	e.checkChange(ms[0], topic, "a", Doc{ID: "a"}, "")
	e.checkChange(ms[1], topic, "b", Doc{ID: "b"}, "")
	if ms[0].CorrelationID == ms[1].CorrelationID {
		e.t.Errorf("two writes without correlation id published the same one, %s: each write gets a fresh one", ms[0].CorrelationID)
	}
	// Republished, a change keeps the correlation id it was written with.
	n, err := d.Republish(e.ctx())
	if err != nil || n != 2 {
		e.t.Fatalf("Republish() = %d, %v; want 2, nil", n, err)
	}
	again := e.msgs(topic)[2:]
	for i, m := range again {
		if m.CorrelationID != ms[i].CorrelationID {
			e.t.Errorf("republished event of %q: correlation id %s, want %s (stored with the change)", m.Key, m.CorrelationID, ms[i].CorrelationID)
		}
	}
}

// testIntKeys: int64 ids travel as their decimal form.
func testIntKeys(e *env) {
	topic := e.topic()
	r := e.relay(nil)
	d, err := e.h.Items(r, e.name("c"), topic)
	e.must(err, "Items")
	ctx, cid := e.cctx()
	items := []Item{{ID: 42, Label: "x"}, {ID: -7, Label: "neg"}, {ID: 1 << 40, Label: "big"}}
	for _, it := range items {
		e.must(d.Insert(ctx, it), "Insert")
	}
	e.must(d.Delete(ctx, 42), "Delete")
	e.publish(d, 3, "three items written")
	ms := byKey(e.msgs(topic))
	e.checkChange(one(e, ms, "42"), topic, "42", nil, cid)
	e.checkChange(one(e, ms, "-7"), topic, "-7", items[1], cid)
	e.checkChange(one(e, ms, strconv.FormatInt(1<<40, 10)), topic, "1099511627776", items[2], cid)
}

// testUUIDKeys: uuid.UUID ids travel in their canonical form.
func testUUIDKeys(e *env) {
	topic := e.topic()
	r := e.relay(nil)
	d, err := e.h.Tickets(r, e.name("c"), topic)
	e.must(err, "Tickets")
	ctx, cid := e.cctx()
	tk := Ticket{ID: uuid.New(), Title: "t"}
	e.must(d.Insert(ctx, tk), "Insert")
	e.publish(d, 1, "one ticket written")
	e.checkChange(one(e, byKey(e.msgs(topic)), tk.ID.String()), topic, tk.ID.String(), tk, cid)
}

// one returns the only message of key.
func one(e *env, ms map[string][]*events.Message, key string) *events.Message {
	e.t.Helper()
	if len(ms[key]) != 1 {
		e.t.Fatalf("key %q: %d events, want 1", key, len(ms[key]))
	}
	return ms[key][0]
}

// testTombstones: a deleted document is gone for reads, its id cannot be
// inserted or updated again, and Upsert revives it.
func testTombstones(e *env) {
	topic, _, d := e.setup()
	ctx, _ := e.cctx()
	e.must(d.Insert(ctx, Doc{ID: "a", Name: "x", N: 1}), "Insert a")
	e.must(d.Insert(ctx, Doc{ID: "b", Name: "x", N: 2}), "Insert b")
	e.must(d.Delete(ctx, "a"), "Delete a")
	e.publish(d, 2, "two documents written")

	if _, err := d.Get(ctx, "a"); !errors.Is(err, dao.ErrNotFound) {
		e.t.Errorf("Get of a deleted id = %v, want dao.ErrNotFound", err)
	}
	var found []string
	for doc, err := range d.Find(ctx, dao.All[Doc]()) {
		e.must(err, "Find")
		found = append(found, doc.ID)
	}
	if !slices.Equal(found, []string{"b"}) {
		e.t.Errorf("Find(all) = %v, want [b]: tombstones are invisible", found)
	}
	if n, err := d.Count(ctx, dao.All[Doc]()); err != nil || n != 1 {
		e.t.Errorf("Count(all) = %d, %v; want 1, nil: tombstones are not counted", n, err)
	}
	if n, err := d.Count(ctx, docName.Eq("x")); err != nil || n != 1 {
		e.t.Errorf("Count(name=x) = %d, %v; want 1, nil: tombstones are not counted", n, err)
	}
	if err := d.Insert(ctx, Doc{ID: "a"}); !errors.Is(err, dao.ErrAlreadyExists) {
		e.t.Errorf("Insert of a deleted id = %v, want dao.ErrAlreadyExists: a tombstone keeps its id", err)
	}
	if _, err := d.Update(ctx, Doc{ID: "a"}); !errors.Is(err, dao.ErrNotFound) {
		e.t.Errorf("Update of a deleted id = %v, want dao.ErrNotFound", err)
	}
	if err := d.Delete(ctx, "a"); !errors.Is(err, dao.ErrNotFound) {
		e.t.Errorf("Delete of a deleted id = %v, want dao.ErrNotFound", err)
	}
	if err := d.Delete(ctx, "never"); !errors.Is(err, dao.ErrNotFound) {
		e.t.Errorf("Delete of a missing id = %v, want dao.ErrNotFound", err)
	}
	e.publish(d, 0, "refused writes publish nothing")
	if ms := e.msgs(topic); len(ms) != 2 {
		e.t.Fatalf("refused writes published events:\n%s", show(ms))
	}

	rctx, cid := e.cctx()
	revived := Doc{ID: "a", Name: "back", N: 3}
	if _, err := d.Upsert(rctx, revived); err != nil {
		e.t.Fatalf("Upsert of a deleted id = %v, want nil: Upsert stores it again", err)
	}
	if got, err := d.Get(ctx, "a"); err != nil || got != revived {
		e.t.Errorf("Get after reviving Upsert = %+v, %v; want %+v", got, err, revived)
	}
	e.publish(d, 1, "the revived document")
	ms := e.msgs(topic)
	e.checkChange(ms[len(ms)-1], topic, "a", revived, cid)
	if _, err := d.Update(ctx, Doc{ID: "a", Name: "live", N: 4}); err != nil {
		e.t.Errorf("Update of a revived document = %v, want nil", err)
	}
	if err := d.Delete(ctx, "a"); err != nil {
		e.t.Errorf("Delete of a revived document = %v, want nil", err)
	}
}

// testTombstoneUnique: a tombstone holds no unique value: several deleted
// documents do not collide, and a deleted document's value can be taken.
func testTombstoneUnique(e *env) {
	_, _, d := e.setup(dao.WithUnique[Doc](docName))
	ctx := e.ctx()
	for _, doc := range []Doc{{ID: "a", Name: "x"}, {ID: "b", Name: "y"}, {ID: "c", Name: "z"}} {
		e.must(d.Insert(ctx, doc), "Insert")
		e.must(d.Delete(ctx, doc.ID), "Delete of "+doc.ID+" (tombstones must not collide on a unique index)")
	}
	if err := d.Insert(ctx, Doc{ID: "d", Name: "x"}); err != nil {
		e.t.Errorf("Insert with the unique value of a deleted document = %v, want nil", err)
	}
	if _, err := d.Upsert(ctx, Doc{ID: "b", Name: "x"}); !errors.Is(err, dao.ErrUniqueViolation) {
		e.t.Errorf("reviving Upsert with a taken unique value = %v, want dao.ErrUniqueViolation", err)
	}
}

// testVersioned: optimistic concurrency works through the outbox DAO, and
// the published document carries the stored version.
func testVersioned(e *env) {
	topic, _, d := e.setup(dao.WithVersionField[Doc](docVersion))
	ctx := e.ctx()
	e.must(d.Insert(ctx, Doc{ID: "a", N: 1}), "Insert")
	v, err := d.Update(ctx, Doc{ID: "a", N: 2, Version: 0})
	if err != nil || v != 1 {
		e.t.Fatalf("Update at version 0 = %d, %v; want 1, nil", v, err)
	}
	if _, err := d.Update(ctx, Doc{ID: "a", N: 9, Version: 0}); !errors.Is(err, dao.ErrConflict) {
		e.t.Errorf("Update at a stale version = %v, want dao.ErrConflict", err)
	}
	e.publish(d, 1, "one document written")
	ms := e.msgs(topic)
	e.checkChange(ms[0], topic, "a", Doc{ID: "a", N: 2, Version: 1}, "")
	e.must(d.Delete(ctx, "a"), "Delete")
	v, err = d.Upsert(ctx, Doc{ID: "a", N: 3, Version: 7})
	if err != nil {
		e.t.Fatalf("reviving Upsert of a versioned document = %v", err)
	}
	got, err := d.Get(ctx, "a")
	if err != nil || got.Version != v || got.N != 3 {
		e.t.Errorf("Get after reviving Upsert = %+v, %v; want n=3 version=%d", got, err, v)
	}
	e.publish(d, 1, "the revived document")
	ms = e.msgs(topic)
	e.checkChange(ms[len(ms)-1], topic, "a", got, "")
}

// testUnique: unique indexes work through the outbox DAO; a refused write
// publishes nothing.
func testUnique(e *env) {
	topic, _, d := e.setup(dao.WithUnique[Doc](docName))
	ctx := e.ctx()
	e.must(d.Insert(ctx, Doc{ID: "a", Name: "x"}), "Insert")
	if err := d.Insert(ctx, Doc{ID: "b", Name: "x"}); !errors.Is(err, dao.ErrUniqueViolation) {
		e.t.Errorf("Insert with a taken unique value = %v, want dao.ErrUniqueViolation", err)
	}
	e.must(d.Insert(ctx, Doc{ID: "b", Name: "y"}), "Insert")
	if _, err := d.Update(ctx, Doc{ID: "b", Name: "x"}); !errors.Is(err, dao.ErrUniqueViolation) {
		e.t.Errorf("Update to a taken unique value = %v, want dao.ErrUniqueViolation", err)
	}
	e.publish(d, 2, "two documents stored")
	ms := e.msgs(topic)
	if len(ms) != 2 {
		e.t.Fatalf("topic holds %d events, want 2 (refused writes publish nothing):\n%s", len(ms), show(ms))
	}
	e.checkChange(ms[1], topic, "b", Doc{ID: "b", Name: "y"}, "")
	if n, err := d.Count(ctx, docN.Eq(0)); err != nil || n != 2 {
		e.t.Errorf("Count(n=0) = %d, %v; want 2", n, err)
	}
}

// testIDNotAKeyRefused: a document whose id cannot be an event key (not
// printable ASCII) is refused by every write and by Delete, with nothing
// stored, instead of staying pending for good.
func testIDNotAKey(e *env) {
	topic, _, d := e.setup()
	ctx := e.ctx()
	for _, id := range []string{"\u00fc", "a\tb", "x\x7f"} {
		doc := Doc{ID: id, Name: "n"}
		for what, err := range map[string]error{
			"Insert": d.Insert(ctx, doc),
			"Update": func() error { _, err := d.Update(ctx, doc); return err }(),
			"Upsert": func() error { _, err := d.Upsert(ctx, doc); return err }(),
		} {
			if !errors.Is(err, dao.ErrInvalidID) || !errors.Is(err, dao.ErrInvalidDocument) || !errors.Is(err, events.ErrInvalidMessage) {
				e.t.Errorf("%s of id %q = %v, want ErrInvalidID, ErrInvalidDocument and events.ErrInvalidMessage", what, id, err)
			}
		}
		if err := d.Delete(ctx, id); !errors.Is(err, dao.ErrInvalidID) || !errors.Is(err, events.ErrInvalidMessage) {
			e.t.Errorf("Delete of id %q = %v, want ErrInvalidID and events.ErrInvalidMessage", id, err)
		}
	}
	if n, err := d.Count(ctx, dao.All[Doc]()); err != nil || n != 0 {
		e.t.Errorf("Count after refused writes = %d, %v; want 0", n, err)
	}
	e.publish(d, 0, "nothing was stored")
	if ms := e.msgs(topic); len(ms) != 0 {
		e.t.Errorf("refused writes published:\n%s", show(ms))
	}
}
