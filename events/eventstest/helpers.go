package eventstest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
)

// waitTimeout bounds every wait of the suite. It is generous because real
// brokers need seconds to form consumer groups on a loaded machine; a
// conforming implementation never comes close to it.
const waitTimeout = 2 * time.Minute

// testEvent is the suite's main event type.
type testEvent struct {
	Key  string `json:"key"`
	Seq  int    `json:"seq"`
	Text string `json:"text,omitempty"`
}

func (testEvent) EventType() string { return "eventstest_event" }

// otherEvent is a second type for routing cases.
type otherEvent struct {
	N int `json:"n"`
}

func (otherEvent) EventType() string { return "eventstest_other" }

// strayEvent is a type no router of the suite handles.
type strayEvent struct {
	N int `json:"n"`
}

func (strayEvent) EventType() string { return "eventstest_stray" }

// env is one subtest's view of the harness.
type env struct {
	t *testing.T
	h Harness
	f Features
}

func (e *env) partitions() int {
	if e.f.Partitions > 0 {
		return e.f.Partitions
	}
	return 4
}

// ctx returns a context bounded by waitTimeout that carries a fresh
// correlation id.
func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	e.t.Cleanup(cancel)
	return hexkit.WithCorrelationID(ctx, hexkit.NewCorrelationID())
}

// name returns a name unique to this run: "eventstest-", prefix, the end
// of the test's name and random hex digits.
func (e *env) name(prefix string) string {
	return testenv.UniqueName(e.t, "eventstest-"+prefix)
}

// topic creates a topic with the given partitions and returns its name.
func (e *env) topic(partitions int) string {
	e.t.Helper()
	name := e.name("t")
	if err := e.h.CreateTopic(e.ctx(), name, partitions); err != nil {
		e.t.Fatalf("CreateTopic(%q, %d) = %v", name, partitions, err)
	}
	return name
}

// startSubscriber builds a subscriber of group for topics on the
// harness, runs it, and returns a stop function that cancels Run's context
// and returns Run's result.
func (e *env) startSubscriber(_ context.Context, group string, topics []string, h events.MessageHandler) (func() error, error) {
	s, err := e.h.NewSubscriber(group, h, events.WithTopics(topics...),
		events.WithRetryBackoff(5*time.Millisecond, 100*time.Millisecond),
		events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}, nil
}

// subscribe starts a subscriber and returns its stop function; stop is
// also called at cleanup when the test did not call it.
func (e *env) subscribe(group string, topics []string, h events.MessageHandler) func() error {
	e.t.Helper()
	stop, err := e.startSubscriber(e.ctx(), group, topics, h)
	if err != nil {
		e.t.Fatalf("StartSubscriber(%q, %v) = %v", group, topics, err)
	}
	var once sync.Once
	var stopErr error
	s := func() error {
		once.Do(func() { stopErr = stopWithin(stop) })
		return stopErr
	}
	e.t.Cleanup(func() {
		if err := s(); err != nil {
			e.t.Errorf("stopping subscriber of group %q: %v", group, err)
		}
	})
	return s
}

// stopWithin calls stop and fails after waitTimeout instead of hanging.
func stopWithin(stop func() error) error {
	done := make(chan error, 1)
	go func() { done <- stop() }()
	select {
	case err := <-done:
		return err
	case <-time.After(waitTimeout):
		return fmt.Errorf("stop did not return within %v: a subscriber must cancel its handlers' context and return after draining", waitTimeout)
	}
}

func (e *env) publisher(topic string, opts ...events.PublisherOption) events.Publisher[testEvent] {
	e.t.Helper()
	p, err := events.NewPublisher[testEvent](senderDriver{e.h.Sender()}, topic, opts...)
	if err != nil {
		e.t.Fatalf("NewPublisher(%q) = %v", topic, err)
	}
	return p
}

func newRouter(opts ...events.RouterOption) *events.Router {
	return events.NewRouter(append([]events.RouterOption{events.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
}

// handledIDs returns the event ids of successful handler calls.
func handledIDs(recs []record) map[string]int {
	ids := map[string]int{}
	for _, r := range recs {
		if r.err == nil {
			ids[r.d.EventID]++
		}
	}
	return ids
}

// hasAll reports whether every id in want was handled successfully.
func hasAll(want []string) func([]record) bool {
	return func(recs []record) bool {
		got := handledIDs(recs)
		for _, id := range want {
			if got[id] == 0 {
				return false
			}
		}
		return true
	}
}

func summarize(recs []record) string {
	const max = 12
	var b strings.Builder
	for i, r := range recs {
		if i == max {
			fmt.Fprintf(&b, " ... %d more", len(recs)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s key=%q seq=%d", r.member, r.d.Key, r.d.Event.Seq)
		if r.err != nil {
			b.WriteString(" (failed)")
		}
	}
	return b.String()
}

// publish publishes n events on key with seq from..from+n-1, one call each,
// and returns their event ids.
func publish(t *testing.T, ctx context.Context, p events.Publisher[testEvent], key string, from, n int) []string {
	t.Helper()
	ids := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		id := events.NewEventID()
		if err := p.Publish(ctx, key, testEvent{Key: key, Seq: i}, events.WithEventID(id)); err != nil {
			t.Fatalf("Publish(key %q, seq %d) = %v", key, i, err)
		}
		ids = append(ids, id)
	}
	return ids
}

// gate wraps a router for the bad-input cases: it records every error the
// router returns and, once a message failed twice (proving it was not
// acknowledged but redelivered), acknowledges it, standing in for the
// dead-letter hand-off of a real service.
type gate struct {
	next events.MessageHandler

	mu       sync.Mutex
	failures map[string][]error // by event id
}

func (g *gate) HandleMessage(ctx context.Context, m *events.Message) error {
	err := g.next.HandleMessage(ctx, m)
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failures[m.EventID] = append(g.failures[m.EventID], err)
	if len(g.failures[m.EventID]) >= 2 {
		return nil
	}
	return err
}

func (g *gate) errs(id string) []error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]error(nil), g.failures[id]...)
}
