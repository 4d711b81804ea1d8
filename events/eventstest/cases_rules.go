package eventstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// The cases of this file check the rules that every provider must share
// with Kafka, so that a fake never accepts what the broker refuses.

// invalidTopics are names Kafka refuses: empty, too long, "." and "..",
// and characters outside [a-zA-Z0-9._-].
var invalidTopics = []string{"", strings.Repeat("t", events.MaxTopicLen+1), ".", "..",
	"with space", "a/b", "a:b", "a,b", "a\\b", "a*b", "tö", "a\x00b"}

func testTopicNames(e *env) {
	t := e.t
	ctx := e.ctx()
	for _, name := range invalidTopics {
		if _, err := events.NewPublisher[testEvent](senderDriver{e.h.Sender()}, name); !errors.Is(err, events.ErrInvalidMessage) {
			t.Errorf("NewPublisher(%q) = %v, want an error wrapping events.ErrInvalidMessage: Kafka refuses the name", name, err)
		}
		m := &events.Message{Topic: name, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
			CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{}`)}
		if err := e.h.Sender().Send(ctx, m); !errors.Is(err, events.ErrInvalidMessage) {
			t.Errorf("Sender.Send to topic %q = %v, want an error wrapping events.ErrInvalidMessage", name, err)
		}
		if _, err := e.h.NewSubscriber(e.name("g"), newRouter(), events.WithTopics(name)); !errors.Is(err, events.ErrInvalidMessage) || !errors.Is(err, events.ErrInvalidOption) {
			t.Errorf("NewSubscriber with topic %q = %v, want an error wrapping events.ErrInvalidOption and events.ErrInvalidMessage", name, err)
		}
		if err := e.h.CreateTopic(ctx, name, 1); !errors.Is(err, events.ErrInvalidMessage) {
			t.Errorf("CreateTopic(%q) = %v, want an error wrapping events.ErrInvalidMessage: Kafka refuses the name", name, err)
		}
	}

	// Kafka refuses a name that differs from an existing topic's only in
	// '.' versus '_' (they collide in its metric names).
	dotted := e.name("t") + ".x"
	if err := e.h.CreateTopic(ctx, dotted, 1); err != nil {
		t.Fatalf("CreateTopic(%q) = %v", dotted, err)
	}
	under := strings.ReplaceAll(dotted, ".", "_")
	if err := e.h.CreateTopic(ctx, under, 1); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("CreateTopic(%q) after CreateTopic(%q) = %v, want an error wrapping events.ErrInvalidMessage: the names collide in Kafka", under, dotted, err)
	}

	// The longest name and every allowed character work end to end.
	base := e.name("t") + "-Az09._"
	long := base + strings.Repeat("x", events.MaxTopicLen-len(base))
	if err := e.h.CreateTopic(ctx, long, 1); err != nil {
		t.Fatalf("CreateTopic of a valid %d-character name: %v", len(long), err)
	}
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, long, rec.handler("m", nil))
	e.subscribe(e.name("g"), []string{long}, r)
	if err := e.publisher(long).Publish(ctx, "k", testEvent{Key: "k"}); err != nil {
		t.Fatalf("Publish to a valid %d-character topic: %v", len(long), err)
	}
	rec.waitFor(t, "an event on a topic with the longest valid name is delivered", func(got []record) bool { return len(got) == 1 })
}

func testMissingTopic(e *env) {
	t := e.t
	ctx := e.ctx()
	missing := e.name("missing")
	err := e.publisher(missing).Publish(ctx, "k", testEvent{Key: "k"})
	if !errors.Is(err, events.ErrTopicNotFound) {
		t.Errorf("Publish to a topic that does not exist = %v, want an error wrapping events.ErrTopicNotFound: topics are never created by publishing", err)
	}
	// The missing topic is found before the size limit is checked, as on Kafka.
	err = e.publisher(missing).Publish(ctx, "k", testEvent{Key: "k", Text: strings.Repeat("x", 2<<20)})
	if !errors.Is(err, events.ErrTopicNotFound) {
		t.Errorf("Publish of a 2 MiB event to a topic that does not exist = %v, want an error wrapping events.ErrTopicNotFound: the topic is looked up before the size is checked", err)
	}
	m := &events.Message{Topic: missing, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{}`)}
	err = e.h.Sender().Send(ctx, m)
	var be *events.BatchError
	if !errors.As(err, &be) || len(be.Errs) != 1 || !errors.Is(be.Errs[0], events.ErrTopicNotFound) {
		t.Errorf("Sender.Send to a topic that does not exist = %v, want a *events.BatchError whose entry wraps events.ErrTopicNotFound", err)
	}
	// The failed publish created nothing: creating the topic now works.
	if err := e.h.CreateTopic(ctx, missing, 1); err != nil {
		t.Errorf("CreateTopic after a refused publish = %v: the publish must not have created the topic", err)
	}
}

func testEmptyKey(e *env) {
	t := e.t
	ctx := e.ctx()
	topic := e.topic(e.partitions())
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	e.subscribe(e.name("g"), []string{topic}, r)
	p := e.publisher(topic)
	const n = 20
	for i := range n {
		if err := p.Publish(ctx, "", testEvent{Seq: i}); err != nil {
			t.Fatalf("Publish with the empty key = %v, want nil: the empty key is valid", err)
		}
	}
	got := rec.waitFor(t, "events with the empty key are delivered", func(got []record) bool { return len(got) >= n })
	for i, g := range got[:n] {
		if g.d.Key != "" || g.d.Event.Seq != i {
			t.Fatalf("delivery %d has key %q and seq %d, want the empty key and seq %d: the empty key is a key like any other, its events keep their order", i, g.d.Key, g.d.Event.Seq, i)
		}
	}
}

// pointerEvent names its type on a pointer receiver, which the rules
// refuse.
type pointerEvent struct{}

func (*pointerEvent) EventType() string { return "eventstest_pointer" }

func testPointerEventType(e *env) {
	t := e.t
	topic := e.topic(1)
	_, err := events.NewPublisher[*pointerEvent](senderDriver{e.h.Sender()}, topic)
	var ve *events.ValidationError
	if !errors.Is(err, events.ErrInvalidMessage) || !errors.As(err, &ve) || ve.Field != "type" {
		t.Errorf("NewPublisher of a pointer event type = %v, want a *events.ValidationError on \"type\"", err)
	}
	func() {
		defer func() {
			p := recover()
			err, _ := p.(error)
			if !errors.Is(err, events.ErrInvalidMessage) {
				t.Errorf("Handle of a pointer event type panicked with %v, want an error wrapping events.ErrInvalidMessage", p)
			}
		}()
		events.Handle(newRouter(), topic, func(context.Context, events.Delivery[*pointerEvent]) error { return nil })
	}()
}

func testWaitIdle(e *env) {
	t := e.t
	ctx := e.ctx()
	topic := e.topic(e.partitions())
	p := e.publisher(topic)
	const n = 30
	for i := range n {
		if err := p.Publish(ctx, fmt.Sprint("k", i%5), testEvent{Key: fmt.Sprint("k", i%5), Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	sub, err := e.h.NewSubscriber(e.name("g"), r, events.WithRetryBackoff(5*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	Start(t, sub)
	if err := sub.WaitIdle(ctx); err != nil {
		t.Fatalf("WaitIdle = %v", err)
	}
	if got := len(rec.snapshot()); got < n {
		t.Errorf("WaitIdle returned with %d of %d events handled, want every event published before the call handled", got, n)
	}

	// A subscriber of a topic that does not exist yet has nothing to wait
	// for.
	idle, err := e.h.NewSubscriber(e.name("g"), NewRecorder(), events.WithTopics(e.name("missing")))
	if err != nil {
		t.Fatal(err)
	}
	Start(t, idle)
	if err := idle.WaitIdle(ctx); err != nil {
		t.Errorf("WaitIdle of a subscriber whose topic does not exist = %v, want nil", err)
	}
}

func testRecorderExpect(e *env) {
	t := e.t
	ctx := e.ctx()
	topic := e.topic(e.partitions())
	p := e.publisher(topic)
	if err := p.Publish(ctx, "before", testEvent{Key: "before"}); err != nil {
		t.Fatal(err)
	}
	rec := NewRecorder()
	sub, err := e.h.NewSubscriber(e.name("g"), rec, events.WithTopics(topic))
	if err != nil {
		t.Fatal(err)
	}
	Start(t, sub)
	rec.Expect(t, sub, func() {
		if err := p.Publish(ctx, "a", testEvent{Key: "a", Seq: 1}, events.WithHeaders(map[string]string{"tenant": "t1"})); err != nil {
			t.Fatal(err)
		}
		if err := p.Publish(ctx, "b", testEvent{Key: "b", Seq: 2}, events.WithHeaders(map[string]string{"tenant": "t2"})); err != nil {
			t.Fatal(err)
		}
	},
		Expected{Type: (testEvent{}).EventType(), Key: "a", Payload: `{"seq":1,"key":"a"}`, Headers: map[string]string{"tenant": "t1"}},
		Event("b", testEvent{Key: "b", Seq: 2}), // headers not compared
	)
}

func testRunAfterClose(e *env) {
	t := e.t
	topic := e.topic(1)
	sub, err := e.h.NewSubscriber(e.name("g"), NewRecorder(), events.WithTopics(topic))
	if err != nil {
		t.Fatal(err)
	}
	// A subscriber of a topic that does not exist has nothing to wait for
	// until its provider closes.
	missing, err := e.h.NewSubscriber(e.name("g"), NewRecorder(), events.WithTopics(e.name("missing")))
	if err != nil {
		t.Fatal(err)
	}
	if err := missing.WaitIdle(e.ctx()); err != nil {
		t.Fatalf("WaitIdle of a subscriber whose topic does not exist = %v, want nil", err)
	}
	done := make(chan error, 1)
	go func() { done <- sub.Run(context.Background()) }()
	if err := sub.WaitIdle(e.ctx()); err != nil { // running or about to
		t.Fatal(err)
	}
	if err := e.h.Close(); err != nil && !errors.Is(err, events.ErrClosed) {
		t.Fatalf("Close = %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, events.ErrClosed) {
			t.Errorf("Run after its provider closed = %v, want an error wrapping events.ErrClosed", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return after its provider closed: Close must drain running subscribers")
	}
	if err := sub.Run(context.Background()); !errors.Is(err, events.ErrClosed) {
		t.Errorf("a second Run = %v, want an error wrapping events.ErrClosed: a subscriber runs once", err)
	}
	for name, s := range map[string]events.Subscriber{"its topic": sub, "a missing topic": missing} {
		if err := s.WaitIdle(e.ctx()); !errors.Is(err, events.ErrClosed) {
			t.Errorf("WaitIdle of a subscriber of %s after its provider closed = %v, want an error wrapping events.ErrClosed", name, err)
		}
	}
}

func testMessageTooLarge(e *env) {
	t := e.t
	ctx := e.ctx()
	topic := e.topic(1)
	p := e.publisher(topic)
	big := strings.Repeat("x", 2<<20)
	if err := p.Publish(ctx, "big", testEvent{Key: "big", Text: big}); !errors.Is(err, events.ErrMessageTooLarge) {
		t.Errorf("Publish of a 2 MiB event = %v, want an error wrapping events.ErrMessageTooLarge: providers refuse what Kafka's default limit (1 MiB) refuses", err)
	}
	if err := p.Publish(ctx, "fits", testEvent{Key: "fits", Text: strings.Repeat("x", 256<<10)}); err != nil {
		t.Errorf("Publish of a 256 KiB event = %v, want nil", err)
	}

	// The limit counts Kafka's framing (driver.RecordSize): the largest
	// message that fits is stored, one payload byte more is refused, with
	// few headers or many.
	many := map[string]string{}
	for i := range 20000 {
		many[fmt.Sprintf("%05x", i)] = ""
	}
	for _, headers := range []map[string]string{nil, many} {
		sendAtLimit(e, topic, headers)
	}
	// Framing alone can make a message too large: 150000 empty headers.
	m := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Headers: map[string]string{}, Payload: []byte(`{}`)}
	for i := range 150000 {
		m.Headers[fmt.Sprintf("%05x", i)] = ""
	}
	if err := e.h.Sender().Send(ctx, m); !errors.Is(err, events.ErrMessageTooLarge) {
		t.Errorf("Sender.Send of a message with 150000 empty 5-byte headers (750000 bytes of names, %d with Kafka's framing) = %v, want an error wrapping events.ErrMessageTooLarge", driver.RecordSize((*driver.Message)(m)), err)
	}
}

// defaultLimit is Kafka's default size limit, and every provider's.
const defaultLimit = 1 << 20

// sendAtLimit sends to topic a message with headers whose record batch
// (driver.RecordSize) is exactly the default limit, which must be stored,
// and then one with a payload byte more, which must be refused.
func sendAtLimit(e *env, topic string, headers map[string]string) {
	t := e.t
	ctx := e.ctx()
	m := &events.Message{Topic: topic, Key: "k", Type: (testEvent{}).EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Headers: headers}
	n := defaultLimit - driver.RecordSize((*driver.Message)(m))
	for m.Payload = make([]byte, n); driver.RecordSize((*driver.Message)(m)) > defaultLimit; m.Payload = make([]byte, n) {
		n--
	}
	if err := e.h.Sender().Send(ctx, m); err != nil {
		t.Errorf("Sender.Send of a message whose record batch is %d bytes (limit %d; %d headers) = %v, want nil", driver.RecordSize((*driver.Message)(m)), defaultLimit, len(headers), err)
	}
	m.Payload = make([]byte, n+1)
	if err := e.h.Sender().Send(ctx, m); !errors.Is(err, events.ErrMessageTooLarge) {
		t.Errorf("Sender.Send of a message whose record batch is %d bytes (limit %d; %d headers) = %v, want an error wrapping events.ErrMessageTooLarge", driver.RecordSize((*driver.Message)(m)), defaultLimit, len(headers), err)
	}
}

// testFirstSendAtLimit: the limit is the same on a provider's first send
// as on later ones (franz-go counts 3 bytes more before a broker has
// answered a produce request).
func testFirstSendAtLimit(e *env) {
	sendAtLimit(e, e.topic(1), nil)
}

// testGroupNames: a consumer group name is 1 to events.MaxGroupLen
// printable ASCII bytes on every provider, Kafka's rule.
func testGroupNames(e *env) {
	t := e.t
	ctx := e.ctx()
	topic := e.topic(1)
	base := e.name("g")
	for _, group := range []string{"", "gruppe-ä", "a\x00b", base + strings.Repeat("g", events.MaxGroupLen+1-len(base))} {
		if _, err := e.h.NewSubscriber(group, newRouter(), events.WithTopics(topic)); !errors.Is(err, events.ErrInvalidOption) {
			t.Errorf("NewSubscriber with a %d-byte group %.20q = %v, want an error wrapping events.ErrInvalidOption: Kafka refuses the name", len(group), group, err)
		}
	}
	long := base + strings.Repeat("g", events.MaxGroupLen-len(base))
	rec := newRecorder()
	r := newRouter()
	events.Handle(r, topic, rec.handler("m", nil))
	e.subscribe(long, []string{topic}, r)
	if err := e.publisher(topic).Publish(ctx, "k", testEvent{Key: "k"}); err != nil {
		t.Fatalf("Publish = %v", err)
	}
	rec.waitFor(t, "a group with the longest valid name consumes", func(got []record) bool { return len(got) == 1 })
}
