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

// rawCodec encodes an Event as its Text, taken for the JSON payload, so
// that the suite can publish any payload.
type rawCodec struct{}

func (rawCodec) Encode(ev Event) ([]byte, error) { return []byte(ev.Text), nil }

func (rawCodec) Decode(p []byte) (Event, error) { return Event{Text: string(p)}, nil }

// testPersistentPayloads: a persistent publisher refuses, storing nothing,
// a payload that MongoDB could not store as it is (it stores a payload as
// a document), on every provider, and stores the others.
func testPersistentPayloads(e *env) {
	topic := e.topic()
	r := e.relay(nil)
	p := e.publisher(r, e.name("s"), topic, outbox.WithPublisherOptions(events.WithCodec[Event](rawCodec{})))
	ctx := e.ctx()
	for _, bad := range []string{
		`{"a":[[1],[2,3]]}`,
		`{"m":{"x":[[1]]}}`,
		`{"m":{"$x":1}}`,
		`{"m":{"a.b":1}}`,
		`{"a.b":1}`,
		`{"m":{"a\u0000":1}}`,
		`{"a":1,"a":2}`,
		`{"u":18446744073709551615}`,
		`{"n":-9223372036854775809}`,
		`{"f":1e400}`,
		`[1,2]`,
		`"text"`,
		`12`,
	} {
		err := p.Publish(ctx, "k", Event{Text: bad})
		if !errors.Is(err, events.ErrInvalidMessage) {
			e.t.Errorf("Publish of the payload %s = %v, want an error wrapping events.ErrInvalidMessage: MongoDB cannot store it as it is", bad, err)
		}
	}
	good := `{"a":[1,{"b":[2]}],"c":"$x.y","n":-9223372036854775808,"f":1.5}`
	e.must(p.Publish(ctx, "k", Event{Text: good}), "Publish of "+good)
	e.publish(r, 1, "the one valid payload")
	if ms := e.msgs(topic); len(ms) != 1 || !jsonEqual(ms[0].Payload, []byte(good)) {
		e.t.Errorf("topic holds:\n%swant the one event with payload %s", show(ms), good)
	}
}
