package outboxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/outbox"
)

// waitTimeout bounds every wait of the suite; a conforming provider never
// comes close to it.
const waitTimeout = 30 * time.Second

// fastPoll is the poll interval of relays whose Run the suite waits for.
const fastPoll = 20 * time.Millisecond

// env is one subtest's view of the harness.
type env struct {
	t  *testing.T
	h  Harness
	mu sync.Mutex
	sd events.Sender
}

// ctx returns a context bounded by waitTimeout, without correlation id.
func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	e.t.Cleanup(cancel)
	return ctx
}

// cctx returns a context bounded by waitTimeout with a fresh correlation id.
func (e *env) cctx() (context.Context, string) {
	cid := hexkit.NewCorrelationID()
	return hexkit.WithCorrelationID(e.ctx(), cid), cid
}

// name returns a collection or store name unique to this run.
func (e *env) name(prefix string) string { return testenv.UniqueName(e.t, "obt-"+prefix) }

// topic creates a topic with one partition and returns its name.
func (e *env) topic() string {
	e.t.Helper()
	name := e.name("t")
	e.h.Broker().CreateTopic(e.t, name, 1)
	return name
}

// sender returns the broker's sender, the same for the whole subtest.
func (e *env) sender() events.Sender {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sd == nil {
		e.sd = e.h.Broker().Sender(e.t)
	}
	return e.sd
}

// relay returns a relay on s (the broker's sender when nil).
func (e *env) relay(s events.Sender, opts ...outbox.RelayOption) *outbox.Relay {
	e.t.Helper()
	if s == nil {
		s = e.sender()
	}
	// Quiet by default: the suite provokes failures the relay logs.
	opts = append([]outbox.RelayOption{outbox.WithRelayLogger(slog.New(slog.DiscardHandler))}, opts...)
	r, err := e.h.NewRelay(s, opts...)
	if err != nil {
		e.t.Fatalf("NewRelay(%d options) = %v", len(opts), err)
	}
	return r
}

// run runs r until the returned stop is called (or the subtest ends); stop
// returns Run's error.
func (e *env) run(r *outbox.Relay) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(waitTimeout):
				err = errors.New("Relay.Run did not return after its context was canceled")
			}
		})
		return err
	}
	e.t.Cleanup(func() {
		if err := stop(); err != nil {
			e.t.Errorf("Relay.Run() = %v after cancel, want nil", err)
		}
	})
	return stop
}

// docs returns an outbox DAO of Doc on relay.
func (e *env) docs(r *outbox.Relay, collection, topic string, opts ...dao.Option[Doc]) outbox.DAO[Doc, string] {
	e.t.Helper()
	d, err := e.h.Docs(r, collection, topic, opts...)
	if err != nil {
		e.t.Fatalf("Docs(%q, %q, %d options) = %v", collection, topic, len(opts), err)
	}
	return d
}

// setup returns a topic, a relay on the broker's sender and a DAO of Doc on
// both, the most common start of a case.
func (e *env) setup(opts ...dao.Option[Doc]) (string, *outbox.Relay, outbox.DAO[Doc, string]) {
	e.t.Helper()
	topic := e.topic()
	r := e.relay(nil)
	return topic, r, e.docs(r, e.name("c"), topic, opts...)
}

// publisher returns a persistent publisher of Event on relay.
func (e *env) publisher(r *outbox.Relay, store, topic string, opts ...outbox.PersistentOption) outbox.PersistentPublisher[Event] {
	e.t.Helper()
	p, err := e.h.Publisher(r, store, topic, opts...)
	if err != nil {
		e.t.Fatalf("Publisher(%q, %q) = %v", store, topic, err)
	}
	return p
}

// msgs returns the messages of topic.
func (e *env) msgs(topic string) []*events.Message {
	e.t.Helper()
	return e.h.Broker().Messages(e.t, topic)
}

// waitMsgs waits until cond holds for the messages of topic and returns
// them; it fails the test after waitTimeout, showing what was there.
func (e *env) waitMsgs(topic, what string, cond func([]*events.Message) bool) []*events.Message {
	e.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ms := e.msgs(topic)
		if cond(ms) {
			return ms
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("waited %v for %s on topic %s; it has %d messages:\n%s", waitTimeout, what, topic, len(ms), show(ms))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitCount waits until topic holds at least n messages.
func (e *env) waitCount(topic string, n int) []*events.Message {
	e.t.Helper()
	return e.waitMsgs(topic, fmt.Sprintf("%d messages", n), func(ms []*events.Message) bool { return len(ms) >= n })
}

// must fails the test when err is not nil.
func (e *env) must(err error, what string) {
	e.t.Helper()
	if err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

// publish calls PublishPending and checks its count.
func (e *env) publish(d interface {
	PublishPending(context.Context) (int, error)
}, want int, rule string) {
	e.t.Helper()
	n, err := d.PublishPending(e.ctx())
	if err != nil || n != want {
		e.t.Fatalf("PublishPending() = %d, %v; want %d, nil: %s", n, err, want, rule)
	}
}

// show lists messages one a line.
func show(ms []*events.Message) string {
	var b bytes.Buffer
	for i, m := range ms {
		fmt.Fprintf(&b, "  %d: type=%q key=%q event_id=%s correlation_id=%s payload=%s\n", i, m.Type, m.Key, m.EventID, m.CorrelationID, m.Payload)
	}
	return b.String()
}

// checkUUID4 fails unless s is a canonical UUID version 4.
func (e *env) checkUUID4(what, s string) {
	e.t.Helper()
	u, err := uuid.Parse(s)
	if err != nil || u.Version() != 4 || u.String() != s {
		e.t.Errorf("%s = %q, want a canonical UUID version 4", what, s)
	}
}

// checkChange checks one change event: its type, key and payload (the
// JSON of doc, or {} for a deletion when doc is nil) and its ids.
func (e *env) checkChange(m *events.Message, topic, key string, doc any, cid string) {
	e.t.Helper()
	wantType, wantPayload := outbox.DeleteEventType, []byte("{}")
	if doc != nil {
		wantType = outbox.ChangeEventType
		var err error
		if wantPayload, err = json.Marshal(doc); err != nil {
			e.t.Fatal(err)
		}
	}
	if m.Topic != "" && m.Topic != topic {
		e.t.Errorf("event topic = %q, want %q", m.Topic, topic)
	}
	if m.Type != wantType {
		e.t.Errorf("event of key %q: type = %q, want %q", key, m.Type, wantType)
	}
	if m.Key != key {
		e.t.Errorf("event key = %q, want %q (the document's id)", m.Key, key)
	}
	if !jsonEqual(m.Payload, wantPayload) {
		e.t.Errorf("event of key %q: payload = %s, want %s (the full document, or {} for a deletion)", key, m.Payload, wantPayload)
	}
	e.checkUUID4("event id", m.EventID)
	if cid != "" && m.CorrelationID != cid {
		e.t.Errorf("event of key %q: correlation id = %q, want %q (the writing context's)", key, m.CorrelationID, cid)
	}
	e.checkUUID4("correlation id", m.CorrelationID)
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// docOf decodes the payload of an upserted event of Doc.
func (e *env) docOf(m *events.Message) Doc {
	e.t.Helper()
	var d Doc
	if err := json.Unmarshal(m.Payload, &d); err != nil {
		e.t.Fatalf("payload %s of key %q: %v", m.Payload, m.Key, err)
	}
	return d
}

// checkOrder checks, for messages of Doc documents whose N grows with
// every write, that the states published for each key never go backwards
// and that the last one is final[key] (-1: deleted).
func (e *env) checkOrder(ms []*events.Message, final map[string]int) {
	e.t.Helper()
	last := map[string]int{}
	for _, m := range ms {
		n := -1
		if m.Type == outbox.ChangeEventType {
			n = e.docOf(m).N
		}
		if prev, ok := last[m.Key]; ok && n < prev && n != -1 {
			e.t.Errorf("key %q: state n=%d published after n=%d: events of one document must keep the order of its writes", m.Key, n, prev)
		}
		last[m.Key] = n
	}
	for k, want := range final {
		if got, ok := last[k]; !ok || got != want {
			e.t.Errorf("key %q: last published state n=%d (published: %v), want n=%d (the document's last write)", k, got, ok, want)
		}
	}
}

// errBrokerDown is what a failing sender returns.
var errBrokerDown = errors.New("outboxtest: broker down")

// faultySender wraps a sender: it fails the next fail calls as a whole,
// calls before (once per call, before sending), and counts what it sent.
type faultySender struct {
	inner   events.Sender
	fail    atomic.Int64 // fail this many next calls
	every   int64        // fail every every-th call (0: never)
	partial atomic.Bool  // send half of the next call's messages only
	calls   atomic.Int64
	before  func(ctx context.Context, msgs []*events.Message)
	sends   atomic.Int64
	mu      sync.Mutex
	flight  int
	most    int // the most Send calls in flight at once
}

func (s *faultySender) Send(ctx context.Context, msgs ...*events.Message) error {
	s.mu.Lock()
	s.flight++
	s.most = max(s.most, s.flight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.flight--
		s.mu.Unlock()
	}()
	if s.before != nil {
		s.before(ctx, msgs)
	}
	call := s.calls.Add(1)
	if s.fail.Load() > 0 && s.fail.Add(-1) >= 0 {
		return errBrokerDown
	}
	if s.every > 0 && call%s.every == 0 {
		return errBrokerDown
	}
	if s.partial.CompareAndSwap(true, false) {
		return s.sendHalf(ctx, msgs)
	}
	s.sends.Add(1)
	return s.inner.Send(ctx, msgs...)
}

// sendHalf sends the messages at even indexes and fails the others with
// a *events.BatchError.
func (s *faultySender) sendHalf(ctx context.Context, msgs []*events.Message) error {
	var even []*events.Message
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		if i%2 == 0 {
			even = append(even, m)
		} else {
			errs[i] = errBrokerDown
		}
	}
	if err := s.inner.Send(ctx, even...); err != nil {
		return err
	}
	return &events.BatchError{Errs: errs}
}

func (s *faultySender) maxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.most
}

// byKey groups messages by key, in order.
func byKey(ms []*events.Message) map[string][]*events.Message {
	out := map[string][]*events.Message{}
	for _, m := range ms {
		out[m.Key] = append(out[m.Key], m)
	}
	return out
}
