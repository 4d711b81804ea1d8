package eventstest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// failSetup is one case's service: a topic, its retry topic, a DLQ topic
// and a service (group) name, all unique.
type failSetup struct {
	e       *env
	service string
	topic   string
	dlq     string
}

func newFailSetup(e *env, partitions int) *failSetup {
	e.t.Helper()
	s := &failSetup{e: e, service: e.name("svc"), topic: e.topic(partitions), dlq: e.topic(1)}
	if err := e.h.CreateTopic(e.ctx(), events.RetryTopic(s.service), 1); err != nil {
		e.t.Fatalf("CreateTopic(%q) = %v", events.RetryTopic(s.service), err)
	}
	return s
}

// handler wraps r in a FailureHandler with fast backoff and the harness's
// sender as DLQ (unless noDLQ).
func (s *failSetup) handler(r events.MessageHandler, attempts int, noDLQ bool) *events.FailureHandler {
	s.e.t.Helper()
	opts := []events.FailureOption{
		events.WithAttempts(attempts),
		events.WithBackoff(time.Millisecond, 20*time.Millisecond, 0.5),
		events.WithFailureLogger(slog.New(slog.DiscardHandler)),
	}
	if !noDLQ {
		opts = append(opts, events.WithDLQ(s.e.h.Sender()), events.WithDLQTopic(s.dlq))
	}
	fh, err := events.NewFailureHandler(r, s.service, opts...)
	if err != nil {
		s.e.t.Fatalf("NewFailureHandler = %v", err)
	}
	return fh
}

// start subscribes fh as the service's group to the topic and the retry
// topic.
func (s *failSetup) start(fh *events.FailureHandler) func() error {
	return s.e.subscribe(s.service, fh.Topics(), fh)
}

// deadLetters subscribes a fresh group to the DLQ topic and collects what
// it receives.
func (s *failSetup) deadLetters() *collector[events.DeadLetter] {
	c := newCollector[events.DeadLetter]()
	s.e.subscribe(s.e.name("dlqreader"), []string{s.dlq}, events.HandleDeadLetters(
		func(_ context.Context, d events.DeadLetter, err error) error {
			if err != nil {
				s.e.t.Errorf("the DLQ topic holds a message that is not a dead letter: %v", err)
			}
			c.add(d)
			return nil
		}))
	return c
}

func (s *failSetup) publish(key string, evs ...testEvent) {
	s.e.t.Helper()
	p := s.e.publisher(s.topic)
	for _, ev := range evs {
		ctx := hexkit.WithCorrelationID(s.e.ctx(), hexkit.NewCorrelationID())
		if err := p.Publish(ctx, key, ev, events.WithHeaders(map[string]string{"origin": "suite"})); err != nil {
			s.e.t.Fatalf("Publish = %v", err)
		}
	}
}

// suiteError is the error the suite's failing handlers return.
type suiteError struct{ seq int }

func (e *suiteError) Error() string { return fmt.Sprintf("suite handler refuses event %d", e.seq) }

// markDeadLetter sends a message that is poison (no payload object) to the
// setup's topic, so that it lands in the DLQ behind whatever came before.
func markDeadLetter(e *env, s *failSetup) {
	e.t.Helper()
	err := e.h.Sender().Send(e.ctx(), &events.Message{
		Topic: s.topic, Key: "k", Type: testEvent{}.EventType(), EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`"marker"`),
	})
	if err != nil {
		e.t.Fatalf("Send(marker) = %v", err)
	}
}

// checkDeadLetter checks the fields every dead letter must have.
func checkDeadLetter(t *testing.T, d events.DeadLetter, s *failSetup, key, corr, excClass, excMsgPart string) {
	t.Helper()
	if d.Topic != s.dlq || d.OriginalTopic != s.topic || d.Service != s.service {
		t.Errorf("dead letter topic/original_topic/service = %q/%q/%q, want %q/%q/%q", d.Topic, d.OriginalTopic, d.Service, s.dlq, s.topic, s.service)
	}
	if d.Key != key || d.Type != (testEvent{}).EventType() {
		t.Errorf("dead letter key/type = %q/%q, want the original's %q/%q", d.Key, d.Type, key, testEvent{}.EventType())
	}
	if corr != "" && d.CorrelationID != corr {
		t.Errorf("dead letter correlation id = %q, want the original's %q", d.CorrelationID, corr)
	}
	if d.EventID == "" || d.EventID == d.OriginalEventID || hexkit.ValidateCorrelationID(d.OriginalEventID) != nil {
		t.Errorf("dead letter event_id %q / original_event_id %q: want a new id and the original's valid id", d.EventID, d.OriginalEventID)
	}
	if excClass != "" && d.ExcClass != excClass {
		t.Errorf("dead letter exc_class = %q, want %q", d.ExcClass, excClass)
	}
	if !strings.Contains(d.ExcMsg, excMsgPart) {
		t.Errorf("dead letter exc_msg = %q, want it to contain %q", d.ExcMsg, excMsgPart)
	}
	if d.Timestamp.IsZero() {
		t.Error("dead letter has no timestamp")
	}
}
