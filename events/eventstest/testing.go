package eventstest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

// The helpers of this file serve services' own tests on any provider:
// [Start] runs a subscriber for the length of a test, a [Recorder] keeps
// what a subscriber delivered, and [Recorder.Expect] checks the events a
// block of code published, with [Expected] values that package kafkatest
// shares. They use only the standard library and hexkit.

// Start runs sub in the background until the test ends: at cleanup it
// cancels Run's context, waits for Run to return (at most two minutes)
// and reports an error Run returned other than events.ErrClosed (the
// provider closed first). The returned stop does the same earlier and
// returns Run's result; calling it again returns the same result.
func Start(tb testing.TB, sub events.Subscriber) (stop func() error) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sub.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(waitTimeout):
				runErr = fmt.Errorf("eventstest: Run did not return within %v after its context was canceled", waitTimeout)
			}
		})
		return runErr
	}
	tb.Cleanup(func() {
		if err := stop(); err != nil && !errors.Is(err, events.ErrClosed) {
			tb.Errorf("eventstest: subscriber Run = %v", err)
		}
	})
	return stop
}

// Recorder is an events.MessageHandler that keeps a copy of every message
// it handles and acknowledges it. Give it to a subscriber of a group of its
// own (with events.WithTopics) to see what was published to a topic.
// A Recorder is safe for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	msgs []*events.Message
	seen map[string]bool // event ids, to drop redeliveries
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{seen: map[string]bool{}} }

// HandleMessage records a copy of m, once per event id, and returns nil.
func (r *Recorder) HandleMessage(_ context.Context, m *events.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.EventID != "" && r.seen[m.EventID] {
		return nil
	}
	r.seen[m.EventID] = true
	c := *m
	c.Headers = maps.Clone(m.Headers)
	c.Payload = bytes.Clone(m.Payload)
	r.msgs = append(r.msgs, &c)
	return nil
}

// Messages returns the recorded messages in the order they were handled
// (per partition, the order of publishing).
func (r *Recorder) Messages() []*events.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = nil
}

// Expect runs fn and fails tb unless the events published to the
// recorder's topics while fn ran are exactly want (see [CompareEvents]).
// sub is the running subscriber ([Start]) whose handler is r: Expect waits
// with sub.WaitIdle for what was published before (and forgets it), runs
// fn, and waits again before comparing, so fn must return only after its
// publishing has finished, as Publish does.
func (r *Recorder) Expect(tb testing.TB, sub events.Subscriber, fn func(), want ...Expected) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := sub.WaitIdle(ctx); err != nil {
		tb.Fatalf("eventstest: waiting for earlier events: %v", err)
	}
	r.Reset()
	fn()
	if err := sub.WaitIdle(ctx); err != nil {
		tb.Fatalf("eventstest: waiting for the events fn published: %v", err)
	}
	CompareEvents(tb, r.Messages(), want...)
}

// Expected is an event a test expects.
type Expected struct {
	Type string
	Key  string
	// Payload is compared as JSON, so key order and white space do not
	// matter: a []byte, json.RawMessage or string holding JSON, or any
	// value that encoding/json marshals (a struct with json tags, a map).
	Payload any
	// Headers are the expected user headers; nil means "not compared" for
	// this expectation, whatever the other expectations say. A non-nil
	// empty map expects no user headers.
	Headers map[string]string
}

// Event builds the expectation of publishing e under key: its type and
// its JSON encoding (the default codec).
func Event(key string, e events.Event) Expected {
	return Expected{Type: e.EventType(), Key: key, Payload: e}
}

// CompareEvents fails tb unless got are exactly the events of want. Order
// is compared per key only, since providers order events within a
// partition and a key always maps to one partition. The failure lists
// what is missing and what is unexpected, payloads as compact JSON.
func CompareEvents(tb testing.TB, got []*events.Message, want ...Expected) {
	tb.Helper()
	type item struct {
		key, typ, payload string
		headers           map[string]string
		compareHeaders    bool
	}
	gotItems := make([]item, len(got))
	for i, m := range got {
		gotItems[i] = item{key: m.Key, typ: m.Type, payload: canonicalJSON(tb, m.Payload), headers: m.Headers}
	}
	wantItems := make([]item, len(want))
	for i, w := range want {
		wantItems[i] = item{key: w.Key, typ: w.Type, payload: canonicalJSON(tb, w.Payload), headers: w.Headers, compareHeaders: w.Headers != nil}
	}
	byKey := func(a, b item) int { return strings.Compare(a.key, b.key) }
	slices.SortStableFunc(gotItems, byKey)
	slices.SortStableFunc(wantItems, byKey)
	show := func(it item, headers bool) string {
		s := fmt.Sprintf("key %q type %q payload %s", it.key, it.typ, it.payload)
		if headers {
			s += fmt.Sprintf(" headers %v", it.headers)
		}
		return s
	}
	var diff []string
	for i := range max(len(gotItems), len(wantItems)) {
		switch {
		case i >= len(gotItems):
			diff = append(diff, "- missing:    "+show(wantItems[i], wantItems[i].compareHeaders))
		case i >= len(wantItems):
			diff = append(diff, "+ unexpected: "+show(gotItems[i], true))
		default:
			w, g := wantItems[i], gotItems[i]
			same := w.key == g.key && w.typ == g.typ && w.payload == g.payload &&
				(!w.compareHeaders || maps.Equal(w.headers, g.headers))
			if !same {
				diff = append(diff, "- want: "+show(w, w.compareHeaders), "+ got:  "+show(g, w.compareHeaders))
			}
		}
	}
	if len(diff) > 0 {
		tb.Errorf("eventstest: events differ (-want +got, sorted by key):\n%s", strings.Join(diff, "\n"))
	}
}

// diff returns "" when want and got are deeply equal, and otherwise both,
// for a failure message.
func diff[T any](want, got T) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("-want %+v\n+got  %+v", want, got)
}

// canonicalJSON renders a payload for comparison: JSON is re-encoded
// compactly with sorted object keys, other values are encoded first, and
// what is not JSON stays as it is.
func canonicalJSON(tb testing.TB, v any) string {
	tb.Helper()
	var raw []byte
	switch p := v.(type) {
	case nil:
		return "null"
	case []byte:
		raw = p
	case json.RawMessage:
		raw = p
	case string:
		raw = []byte(p)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatalf("eventstest: expected payload %T does not encode as JSON: %v", v, err)
		}
		raw = b
	}
	var out any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return string(raw)
	}
	b, err := json.Marshal(out) // maps marshal with sorted keys
	if err != nil {
		return string(raw)
	}
	return string(b)
}
