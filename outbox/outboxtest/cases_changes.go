package outboxtest

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// mirror is a typed copy of an outbox collection kept by HandleChanges.
type mirror[T any, ID comparable] struct {
	mu    sync.Mutex
	docs  map[ID]T
	calls int
	cids  map[string]bool // correlation ids the handlers saw
}

func newMirror[T any, ID comparable]() *mirror[T, ID] {
	return &mirror[T, ID]{docs: map[ID]T{}, cids: map[string]bool{}}
}

func (m *mirror[T, ID]) Changed(ctx context.Context, id ID, doc T) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs[id] = doc
	m.seen(ctx)
	return nil
}

func (m *mirror[T, ID]) Deleted(ctx context.Context, id ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.docs, id)
	m.seen(ctx)
	return nil
}

func (m *mirror[T, ID]) seen(ctx context.Context) {
	m.calls++
	cid, _ := hexkit.CorrelationID(ctx)
	m.cids[cid] = true
}

// replay hands the messages of topic to a router on which m is
// registered with HandleChanges, as a subscriber would.
func replay[T any, ID comparable](e *env, topic string, ms []*events.Message, m *mirror[T, ID]) {
	e.t.Helper()
	r := events.NewRouter()
	outbox.HandleChanges[T, ID](r, topic, m)
	ctx := e.ctx()
	for _, msg := range ms {
		if err := r.HandleMessage(ctx, msg); err != nil {
			e.t.Fatalf("HandleMessage(%s) = %v", show([]*events.Message{msg}), err)
		}
	}
}

// checkMirror fails unless m holds exactly the documents of d.
func checkMirror[T comparable, ID comparable](e *env, d dao.DAO[T, ID], m *mirror[T, ID], idOf func(T) ID) {
	e.t.Helper()
	want := map[ID]T{}
	for doc, err := range d.Find(e.ctx(), dao.All[T]()) {
		e.must(err, "Find")
		want[idOf(doc)] = doc
	}
	if !maps.Equal(m.docs, want) {
		e.t.Errorf("mirror built by HandleChanges = %v, want the DAO's documents %v", m.docs, want)
	}
}

// testMirror: a ChangeHandler registered with HandleChanges mirrors an
// outbox collection from its events, each handled under the correlation
// id of its write; republished events leave the mirror as it is.
func testMirror(e *env) {
	topic, _, d := e.setup()
	ctx, cid := e.cctx()
	for _, id := range []string{"a", "b", "c"} {
		e.must(d.Insert(ctx, Doc{ID: id, Name: id, N: 1}), "Insert")
	}
	e.publish(d, 3, "")
	_, err := d.Update(ctx, Doc{ID: "a", Name: "a2", N: 2})
	e.must(err, "Update")
	e.must(d.Delete(ctx, "b"), "Delete")
	e.publish(d, 2, "")
	_, err = d.Upsert(ctx, Doc{ID: "b", Name: "b2", N: 3})
	e.must(err, "Upsert")
	e.must(d.Delete(ctx, "c"), "Delete")
	e.must(d.Insert(ctx, Doc{ID: "d", Name: "d", N: 4}), "Insert")
	e.publish(d, 3, "")
	m := newMirror[Doc, string]()
	replay(e, topic, e.msgs(topic), m)
	checkMirror(e, d, m, func(d Doc) string { return d.ID })
	if m.calls != 8 || len(m.cids) != 1 || !m.cids[cid] {
		e.t.Errorf("handlers called %d times under correlation ids %v, want 8 times under %s (the writer's)", m.calls, m.cids, cid)
	}
	n, err := d.Republish(ctx)
	e.must(err, "Republish")
	fresh := newMirror[Doc, string]()
	replay(e, topic, e.msgs(topic)[8:], fresh)
	if n != 4 || fresh.calls != 4 {
		e.t.Errorf("Republish published %d events, %d handled; want 4 (every document, tombstones included)", n, fresh.calls)
	}
	checkMirror(e, d, fresh, func(d Doc) string { return d.ID })
}

// testMirrorIntIDs: HandleChanges parses int64 ids from the keys.
func testMirrorIntIDs(e *env) {
	topic := e.topic()
	d, err := e.h.Items(e.relay(nil), e.name("c"), topic)
	e.must(err, "Items")
	ctx := e.ctx()
	for _, id := range []int64{1, -2, 1 << 50} {
		e.must(d.Insert(ctx, Item{ID: id, Label: "x"}), "Insert")
	}
	e.must(d.Delete(ctx, -2), "Delete")
	_, err = d.Update(ctx, Item{ID: 1 << 50, Label: "big"})
	e.must(err, "Update")
	e.publish(d, 3, "")
	m := newMirror[Item, int64]()
	replay(e, topic, e.msgs(topic), m)
	checkMirror(e, d, m, func(it Item) int64 { return it.ID })
}

// testMirrorUUIDIDs: HandleChanges parses uuid.UUID ids from the keys.
func testMirrorUUIDIDs(e *env) {
	topic := e.topic()
	d, err := e.h.Tickets(e.relay(nil), e.name("c"), topic)
	e.must(err, "Tickets")
	ctx := e.ctx()
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	for _, id := range ids {
		e.must(d.Insert(ctx, Ticket{ID: id, Title: id.String()[:4]}), "Insert")
	}
	e.must(d.Delete(ctx, ids[1]), "Delete")
	e.publish(d, 3, "")
	m := newMirror[Ticket, uuid.UUID]()
	replay(e, topic, e.msgs(topic), m)
	checkMirror(e, d, m, func(t Ticket) uuid.UUID { return t.ID })
}

// changeMessage builds an outbox event as a foreign producer might.
func changeMessage(topic, typ, key, payload string) *events.Message {
	return &events.Message{Topic: topic, Type: typ, Key: key, Payload: []byte(payload),
		EventID: events.NewEventID(), CorrelationID: hexkit.NewCorrelationID()}
}

// testHandleBadKey: an event whose key is not an id of the handler's id
// type is refused with events.ErrInvalidMessage before the handler.
func testHandleBadKey(e *env) {
	topic := e.topic()
	ctx := e.ctx()
	items, tickets := newMirror[Item, int64](), newMirror[Ticket, uuid.UUID]()
	ri, rt := events.NewRouter(), events.NewRouter()
	outbox.HandleChanges[Item, int64](ri, topic, items)
	outbox.HandleChanges[Ticket, uuid.UUID](rt, topic, tickets)
	for _, key := range []string{"abc", "", "1.5", "99999999999999999999", " 1", "+5", "007", "-0", "0x1"} {
		for _, typ := range []string{outbox.ChangeEventType, outbox.DeleteEventType} {
			payload := `{"id":1,"label":"x"}`
			if typ == outbox.DeleteEventType {
				payload = "{}"
			}
			if err := ri.HandleMessage(ctx, changeMessage(topic, typ, key, payload)); !errors.Is(err, events.ErrInvalidMessage) {
				e.t.Errorf("%s event with key %q for int64 ids: %v, want events.ErrInvalidMessage", typ, key, err)
			}
		}
	}
	u := "6ba7b810-9dad-11d1-80b4-00c04fd430c8" // keys must be in canonical form, as Python's str() writes them
	for _, key := range []string{"abc", "", "42", strings.ToUpper(u), "{" + u + "}", "urn:uuid:" + u, strings.ReplaceAll(u, "-", "")} {
		if err := rt.HandleMessage(ctx, changeMessage(topic, outbox.DeleteEventType, key, "{}")); !errors.Is(err, events.ErrInvalidMessage) {
			e.t.Errorf("deleted event with key %q for uuid ids: %v, want events.ErrInvalidMessage", key, err)
		}
	}
	if items.calls+tickets.calls != 0 {
		e.t.Errorf("the handlers were called %d times for refused events, want never", items.calls+tickets.calls)
	}
}

// testHandleBadPayload: a change event whose payload does not decode into
// the document type is refused with events.ErrInvalidMessage before the
// handler.
func testHandleBadPayload(e *env) {
	topic := e.topic()
	ctx := e.ctx()
	m := newMirror[Item, int64]()
	r := events.NewRouter()
	outbox.HandleChanges[Item, int64](r, topic, m)
	for _, payload := range []string{"not json", `{"id":"one"}`, `[1]`, `{"label":5}`, ""} {
		if err := r.HandleMessage(ctx, changeMessage(topic, outbox.ChangeEventType, "1", payload)); !errors.Is(err, events.ErrInvalidMessage) {
			e.t.Errorf("upserted event with payload %q: %v, want events.ErrInvalidMessage", payload, err)
		}
	}
	for _, payload := range []string{"garbage", `[1]`, `"x"`, ""} {
		err := r.HandleMessage(ctx, changeMessage(topic, outbox.DeleteEventType, "1", payload))
		if !errors.Is(err, events.ErrInvalidMessage) || !errors.Is(err, events.ErrMalformedPayload) {
			e.t.Errorf("deleted event with payload %q: %v, want events.ErrInvalidMessage and events.ErrMalformedPayload", payload, err)
		}
	}
	if m.calls != 0 {
		e.t.Errorf("the handler was called %d times for refused events, want never", m.calls)
	}
	if err := r.HandleMessage(ctx, changeMessage(topic, outbox.ChangeEventType, "1", `{"id":1,"label":"ok"}`)); err != nil || m.docs[1].Label != "ok" {
		e.t.Errorf("a valid event after refused ones: %v, mirror %v", err, m.docs)
	}
}
