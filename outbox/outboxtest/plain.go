package outboxtest

import (
	"errors"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/outbox"
)

// PlainHarness is a [Harness] that also opens a plain DAO (package dao,
// no publication state) over an outbox collection, as a service wrote its
// collection before it had an outbox. The MongoDB provider has one; the
// in-memory provider keeps no document outside its outbox state.
type PlainHarness interface {
	Harness
	// PlainDocs returns a plain DAO of Doc over the collection named
	// collection, the one Docs opens under that name.
	PlainDocs(collection string) (dao.DAO[Doc, string], error)
}

// RunPlainDocuments checks the rule of the driver contract about documents
// without publication state: such a document is live and published, an
// outbox DAO reads, updates and deletes it like any other, and Republish
// publishes it under the correlation id of Republish's context. Like
// [Run], every case is a parallel subtest with a harness of its own.
func RunPlainDocuments(t *testing.T, newHarness func(t *testing.T) PlainHarness) {
	cases := []struct {
		name string
		fn   func(e *env, h PlainHarness)
	}{
		{"PlainDocumentIsLiveAndPublished", testPlainLive},
		{"RepublishPublishesPlainDocuments", testPlainRepublish},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h == nil {
				t.Fatal("newHarness returned nil")
			}
			c.fn(&env{t: t, h: h}, h)
		})
	}
}

// plainSetup returns a topic, a plain DAO and an outbox DAO over one
// collection.
func plainSetup(e *env, h PlainHarness) (string, dao.DAO[Doc, string], func() outbox.DAO[Doc, string]) {
	e.t.Helper()
	topic, coll := e.topic(), e.name("c")
	plain, err := h.PlainDocs(coll)
	e.must(err, "PlainDocs")
	r := e.relay(nil)
	return topic, plain, func() outbox.DAO[Doc, string] { return e.docs(r, coll, topic) }
}

func testPlainLive(e *env, h PlainHarness) {
	topic, plain, open := plainSetup(e, h)
	ctx := e.ctx()
	e.must(plain.Insert(ctx, Doc{ID: "a", N: 1}), "plain Insert")
	e.must(plain.Insert(ctx, Doc{ID: "b", N: 1}), "plain Insert")
	d := open()
	if got, err := d.Get(ctx, "a"); err != nil || got.N != 1 {
		e.t.Errorf("outbox Get of a plain document = %+v, %v; want it: a document without metadata is live", got, err)
	}
	if n, err := d.Count(ctx, dao.All[Doc]()); err != nil || n != 2 {
		e.t.Errorf("outbox Count = %d, %v; want 2", n, err)
	}
	e.publish(d, 0, "a document without metadata is published")
	if err := d.Insert(ctx, Doc{ID: "a"}); !errors.Is(err, dao.ErrAlreadyExists) {
		e.t.Errorf("outbox Insert of a plain document's id = %v, want dao.ErrAlreadyExists", err)
	}
	_, err := d.Update(ctx, Doc{ID: "a", N: 2})
	e.must(err, "outbox Update of a plain document")
	e.must(d.Delete(ctx, "b"), "outbox Delete of a plain document")
	od := open()
	if _, err := od.Get(ctx, "b"); !errors.Is(err, dao.ErrNotFound) {
		e.t.Errorf("Get of a deleted plain document = %v, want dao.ErrNotFound", err)
	}
	e.publish(od, 2, "the outbox writes to plain documents")
	e.checkOrder(e.msgs(topic), map[string]int{"a": 2, "b": -1})
}

func testPlainRepublish(e *env, h PlainHarness) {
	topic, plain, open := plainSetup(e, h)
	ctx := e.ctx()
	e.must(plain.Insert(ctx, Doc{ID: "a", N: 1}), "plain Insert")
	d := open()
	e.must(d.Insert(ctx, Doc{ID: "b", N: 1}), "outbox Insert")
	e.publish(d, 1, "the outbox document")
	rctx, cid := e.cctx()
	n, err := d.Republish(rctx)
	if err != nil || n != 2 {
		e.t.Fatalf("Republish() = %d, %v; want 2, nil (documents without metadata included)", n, err)
	}
	ms := e.msgs(topic)
	if len(ms) != 3 {
		e.t.Fatalf("topic holds %d events, want 3:\n%s", len(ms), show(ms))
	}
	e.checkChange(ms[1], topic, "a", Doc{ID: "a", N: 1}, cid)
	e.checkChange(ms[2], topic, "b", Doc{ID: "b", N: 1}, ms[0].CorrelationID)
}
