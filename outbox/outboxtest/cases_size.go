package outboxtest

import (
	"errors"
	"strings"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// bigText is 1.5 MiB of text: an event carrying it is over the relay's
// default size limit and the broker's (1 MiB), under 2 MiB.
var bigText = strings.Repeat("x", 3<<19)

// testPersistentTooLarge: a persistent publisher refuses, storing
// nothing, an event larger than its relay's size limit, which the relay
// could never send.
func testPersistentTooLarge(e *env) {
	topic := e.topic()
	r := e.relay(nil)
	p := e.publisher(r, e.name("s"), topic)
	ctx := e.ctx()
	err := p.Publish(ctx, "k", Event{Seq: 1, Text: bigText})
	if !errors.Is(err, events.ErrMessageTooLarge) {
		e.t.Errorf("Publish of a 1.5 MiB event = %v, want an error wrapping events.ErrMessageTooLarge (the relay's default limit is 1 MiB)", err)
	}
	e.must(p.Publish(ctx, "k", Event{Seq: 2, Text: "small"}), "Publish of a small event")
	e.publish(r, 1, "the small event only: the large one was not stored")
	if got := e.seqs(e.msgs(topic)); len(got) != 1 || got[0] != 2 {
		e.t.Errorf("topic holds the events %v, want [2]", got)
	}
}

// testDAOTooLarge: an outbox DAO refuses, writing nothing, a document
// whose event would be larger than its relay's size limit.
func testDAOTooLarge(e *env) {
	topic, r, d := e.setup()
	ctx := e.ctx()
	big := Doc{ID: "a", Name: bigText}
	_, upsertErr := d.Upsert(ctx, big)
	for op, err := range map[string]error{"Insert": d.Insert(ctx, big), "Upsert": upsertErr} {
		if !errors.Is(err, dao.ErrInvalidDocument) || !errors.Is(err, events.ErrMessageTooLarge) {
			e.t.Errorf("%s of a document of 1.5 MiB = %v, want an error wrapping dao.ErrInvalidDocument and events.ErrMessageTooLarge (the relay's default limit is 1 MiB)", op, err)
		}
	}
	if _, err := d.Get(ctx, "a"); !errors.Is(err, dao.ErrNotFound) {
		e.t.Errorf("Get of the refused document = %v, want dao.ErrNotFound: nothing is written", err)
	}
	e.must(d.Insert(ctx, Doc{ID: "a", Name: "small"}), "Insert of a small document")
	_, err := d.Update(ctx, big)
	if !errors.Is(err, dao.ErrInvalidDocument) || !errors.Is(err, events.ErrMessageTooLarge) {
		e.t.Errorf("Update to a document of 1.5 MiB = %v, want an error wrapping dao.ErrInvalidDocument and events.ErrMessageTooLarge", err)
	}
	e.publish(r, 1, "the small document only")
	if ms := e.msgs(topic); len(ms) != 1 || e.docOf(ms[0]).Name != "small" {
		e.t.Errorf("topic holds:\n%swant the one event of the small document", show(ms))
	}
}

// testRefusedForGood: a stored event or change that the broker refuses
// for good (here too large: its relay's limit is above the broker's 1 MiB)
// stays pending and is reported by every pass, but holds back neither the
// later events of its key nor the batches after it.
func testRefusedForGood(e *env) {
	topic := e.topic()
	r := e.relay(nil, outbox.WithMaxMessageSize(2<<20), outbox.WithBatchSize(1))
	p := e.publisher(r, e.name("s"), topic)
	ctx := e.ctx()
	e.must(p.Publish(ctx, "k", Event{Seq: 1, Text: bigText}), "Publish of a 1.5 MiB event under a 2 MiB relay limit")
	e.must(p.Publish(ctx, "k", Event{Seq: 2, Text: "small"}), "Publish of a small event after it")
	for pass := range 2 {
		n, err := r.PublishPending(ctx)
		if want := 1 - pass; n != want || !errors.Is(err, events.ErrMessageTooLarge) {
			e.t.Errorf("PublishPending pass %d = %d, %v; want %d and an error wrapping events.ErrMessageTooLarge (the large event stays pending; the small one is sent once)", pass+1, n, err, want)
		}
	}
	if got := e.seqs(e.msgs(topic)); len(got) != 1 || got[0] != 2 {
		e.t.Errorf("topic holds the events %v, want [2]: the small event, once", got)
	}

	dtopic := e.topic()
	d := e.docs(r, e.name("c"), dtopic)
	e.must(d.Insert(ctx, Doc{ID: "a", Name: bigText}), "Insert of a 1.5 MiB document under a 2 MiB relay limit")
	e.must(d.Insert(ctx, Doc{ID: "b", Name: "small"}), "Insert of a small document")
	for pass := range 2 {
		n, err := d.PublishPending(ctx)
		if want := 1 - pass; n != want || !errors.Is(err, events.ErrMessageTooLarge) {
			e.t.Errorf("PublishPending of the DAO, pass %d = %d, %v; want %d and an error wrapping events.ErrMessageTooLarge (the large change stays pending; the next batch is sent once)", pass+1, n, err, want)
		}
	}
	if ms := e.msgs(dtopic); len(ms) != 1 || ms[0].Key != "b" {
		e.t.Errorf("topic holds:\n%swant the one event of document b", show(ms))
	}
}
