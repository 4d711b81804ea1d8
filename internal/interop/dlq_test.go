package interop

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// interopEvent is the event both sides fail on.
type interopEvent struct {
	N    int    `json:"n"`
	Note string `json:"note"`
}

func (interopEvent) EventType() string { return "interop_event" }

// dlqHeaders are the headers both implementations put on a dead letter
// next to type and event_id.
var dlqHeaders = []string{"correlation_id", "exc_class", "exc_msg", "original_event_id", "original_topic", "service"}

// TestPythonDeadLetterReadByGo: an event that fails in a Python hexkit
// subscriber with its DLQ enabled lands in the DLQ in the format hexkit-go
// writes, and hexkit-go's DLQ consumer reads every part of it.
func TestPythonDeadLetterReadByGo(t *testing.T) {
	b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	topic, dlq := b.Topic(t, "py-fail", 1), b.Topic(t, "py-dlq", 1)
	pyService := testenv.UniqueName(t, "py")
	b.CreateTopic(t, events.RetryTopic(pyService), 1)
	peer := newPeer(t, b.Addrs(), pyService)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	pub, err := kafka.NewPublisher[interopEvent](b.Open(t, ""), topic)
	if err != nil {
		t.Fatal(err)
	}
	cid, eventID := hexkit.NewCorrelationID(), events.NewEventID()
	rec := b.Record(t, dlq)
	if err := pub.Publish(hexkit.WithCorrelationID(ctx, cid), "k1", interopEvent{N: 1, Note: "Grüße"}, events.WithEventID(eventID)); err != nil {
		t.Fatal(err)
	}
	if err := peer.Fail(ctx, topic, dlq, 1, "interop_event"); err != nil {
		t.Fatal(err)
	}

	recs := rec.Records(t)
	if len(recs) != 1 {
		t.Fatalf("DLQ holds %d records, want 1", len(recs))
	}
	d, err := events.ParseDeadLetter(&recs[0].Message)
	if err != nil {
		t.Fatalf("hexkit-go cannot parse Python's dead letter: %v", err)
	}
	checks := []struct{ what, got, want string }{
		{"type", d.Type, "interop_event"},
		{"key", d.Key, "k1"},
		{"correlation id", d.CorrelationID, cid},
		{"exc_class", d.ExcClass, "ValueError"},
		{"exc_msg", d.ExcMsg, "python refuses k1"},
		{"original_topic", d.OriginalTopic, topic},
		{"original_event_id", d.OriginalEventID, eventID},
		{"service", d.Service, pyService},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("dead letter %s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if d.EventID == eventID || hexkit.ValidateCorrelationID(d.EventID) != nil {
		t.Errorf("dead letter event id %q: want a new UUID4, not the original %q", d.EventID, eventID)
	}
	got, err := events.Decode[interopEvent](&d.Message)
	if err != nil || got.Event != (interopEvent{N: 1, Note: "Grüße"}) {
		t.Errorf("dead letter payload decodes to %+v, %v; want the original event", got.Event, err)
	}
	if keys := slices.Sorted(maps.Keys(d.Headers)); !slices.Equal(keys, dlqHeaders[1:]) {
		t.Errorf("Python's dead letter headers %v, want %v (plus type, event_id, correlation_id)", keys, dlqHeaders[1:])
	}
}

// TestGoDeadLetterReadByPython: an event that fails in a hexkit-go
// subscriber lands in the DLQ in the format Python hexkit writes, and Python
// hexkit's DLQ subscriber protocol reads it.
func TestGoDeadLetterReadByPython(t *testing.T) {
	b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	topic, dlq := b.Topic(t, "go-fail", 1), b.Topic(t, "go-dlq", 1)
	goService := testenv.UniqueName(t, "go")
	b.CreateTopic(t, events.RetryTopic(goService), 1)
	peer := newPeer(t, b.Addrs(), testenv.UniqueName(t, "py-dlq-reader"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	seen := make(chan events.Delivery[interopEvent], 1)
	r := events.NewRouter(events.WithLogger(slog.New(slog.DiscardHandler)))
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[interopEvent]) error {
		select {
		case seen <- d:
		default:
		}
		return errors.New("go refuses " + d.Key)
	})
	fh, err := events.NewFailureHandler(r, goService, events.WithAttempts(2),
		events.WithBackoff(10*time.Millisecond, 50*time.Millisecond, 0.1),
		events.WithDLQ(b.Sender(t)), events.WithDLQTopic(dlq),
		events.WithFailureLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := kafka.NewSubscriber(b.Open(t, goService), goService, fh, events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	runUntilEnd(ctx, t, "subscriber", sub.Run)

	cid := hexkit.NewCorrelationID()
	if err := peer.Publish(ctx, topic, Event{Type: "interop_event", Key: "k2", CorrelationID: cid,
		Payload: json.RawMessage(`{"n": 2, "note": "from Python"}`)}); err != nil {
		t.Fatal(err)
	}
	var original events.Delivery[interopEvent]
	select {
	case original = <-seen:
	case <-ctx.Done():
		t.Fatal("the Go subscriber never saw Python's event")
	}
	dead, err := peer.CollectDLQ(ctx, dlq, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 {
		t.Fatalf("Python read %d dead letters, want 1", len(dead))
	}
	d := dead[0]
	var payload interopEvent
	if err := json.Unmarshal(d.Payload, &payload); err != nil || payload != (interopEvent{N: 2, Note: "from Python"}) {
		t.Errorf("Python sees payload %s (%v), want the original", d.Payload, err)
	}
	if d.Type != "interop_event" || d.Key != "k2" || d.Topic != dlq {
		t.Errorf("Python sees type %q key %q topic %q, want interop_event k2 %s", d.Type, d.Key, d.Topic, dlq)
	}
	if d.EventID == original.EventID {
		t.Errorf("dead letter reuses the original event id %s", d.EventID)
	}
	if _, err := time.Parse(time.RFC3339Nano, d.Timestamp); err != nil {
		t.Errorf("Python sees timestamp %q: %v", d.Timestamp, err)
	}
	want := map[string]string{
		"correlation_id":    cid,
		"exc_class":         "*errors.errorString",
		"exc_msg":           "go refuses k2",
		"original_event_id": original.EventID,
		"original_topic":    topic,
		"service":           goService,
	}
	for _, k := range dlqHeaders {
		if d.Headers[k] != want[k] {
			t.Errorf("Python sees header %s = %q, want %q", k, d.Headers[k], want[k])
		}
	}
	if keys := slices.Sorted(maps.Keys(d.Headers)); !slices.Equal(keys, dlqHeaders) {
		t.Errorf("Python sees headers %v, want exactly %v", keys, dlqHeaders)
	}
}
