package eventio_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/examples/streamcalc/calc"
	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
)

// TestTranslatorsOnMemoryBroker runs the inbound and outbound translators
// around the real domain core on the in-memory broker and checks the result
// events on the wire: type, key, payload and correlation id.
func TestTranslatorsOnMemoryBroker(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	defer broker.Close()
	for _, topic := range []string{eventio.ProblemsTopic, eventio.OutputTopic} {
		if err := broker.CreateTopic(topic, 3); err != nil {
			t.Fatal(err)
		}
	}

	success, err := memevents.NewPublisher[eventio.CalcSuccess](broker, eventio.OutputTopic)
	if err != nil {
		t.Fatal(err)
	}
	failure, err := memevents.NewPublisher[eventio.CalcFailure](broker, eventio.OutputTopic)
	if err != nil {
		t.Fatal(err)
	}
	r := events.NewRouter()
	eventio.RegisterProblemHandlers(r, eventio.ProblemsTopic, calc.New(eventio.NewResultPublisher(success, failure)))
	sub, err := memevents.NewSubscriber(broker, "streamcalc", r)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sub.Run(ctx) }()

	mul, _ := memevents.NewPublisher[eventio.MultiplicationProblem](broker, eventio.ProblemsTopic)
	div, _ := memevents.NewPublisher[eventio.DivisionProblem](broker, eventio.ProblemsTopic)
	cid1, cid2, cid3 := hexkit.NewCorrelationID(), hexkit.NewCorrelationID(), hexkit.NewCorrelationID()
	if err := mul.Publish(hexkit.WithCorrelationID(ctx, cid1), "p1", eventio.MultiplicationProblem{ProblemID: "p1", Multiplier: 2.5, Multiplicand: 10}); err != nil {
		t.Fatal(err)
	}
	if err := div.Publish(hexkit.WithCorrelationID(ctx, cid2), "p2", eventio.DivisionProblem{ProblemID: "p2", Dividend: 25, Divisor: 10}); err != nil {
		t.Fatal(err)
	}
	if err := div.Publish(hexkit.WithCorrelationID(ctx, cid3), "p3", eventio.DivisionProblem{ProblemID: "p3", Dividend: 1, Divisor: 0}); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("subscriber: %v", err)
	}

	type wire struct {
		Type, Key, CorrelationID string
		Payload                  map[string]any
	}
	var got []wire
	for _, m := range broker.Messages(eventio.OutputTopic) {
		var p map[string]any
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatalf("payload %s: %v", m.Payload, err)
		}
		got = append(got, wire{m.Type, m.Key, m.CorrelationID, p})
	}
	want := []wire{
		{"calc_success", "p1", cid1, map[string]any{"problem_id": "p1", "result": 25.0}},
		{"calc_success", "p2", cid2, map[string]any{"problem_id": "p2", "result": 2.5}},
		{"calc_failure", "p3", cid3, map[string]any{"problem_id": "p3", "reason": "division by zero"}},
	}
	byKey := func(a, b wire) bool { return a.Key < b.Key }
	if diff := cmp.Diff(want, got, cmpopts.SortSlices(byKey)); diff != "" {
		t.Errorf("result events (-want +got):\n%s", diff)
	}
}

// TestInboundReturnsReporterErrors checks that a failed report reaches the
// subscriber as an error, so the problem is redelivered, not lost.
func TestInboundReturnsReporterErrors(t *testing.T) {
	boom := errors.New("output unavailable")
	r := events.NewRouter()
	eventio.RegisterProblemHandlers(r, "problems", calc.New(failingReporter{boom}))
	payload, _ := json.Marshal(eventio.MultiplicationProblem{ProblemID: "p", Multiplier: 1, Multiplicand: 2})
	err := r.HandleMessage(context.Background(), &events.Message{
		Topic: "problems", Key: "p", Type: "multiplication_problem", EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: payload,
	})
	if !errors.Is(err, boom) {
		t.Fatalf("HandleMessage = %v, want it to wrap %v", err, boom)
	}
}

type failingReporter struct{ err error }

func (f failingReporter) ReportSuccess(context.Context, string, float64) error { return f.err }
func (f failingReporter) ReportFailure(context.Context, string, string) error  { return f.err }

// TestResultsWithEventstest is the same round trip written with the
// portable test helpers: eventstest.Start runs the service's subscriber and
// a recorder for the test's length, and Recorder.Expect checks the result
// events that publishing the problems caused. The same test runs on Kafka
// with kafka.NewSubscriber and kafka.NewPublisher.
func TestResultsWithEventstest(t *testing.T) {
	ctx := context.Background()
	broker, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = broker.Close() })
	for _, topic := range []string{eventio.ProblemsTopic, eventio.OutputTopic} {
		if err := broker.CreateTopic(topic, 3); err != nil {
			t.Fatal(err)
		}
	}
	success, _ := memevents.NewPublisher[eventio.CalcSuccess](broker, eventio.OutputTopic)
	failure, _ := memevents.NewPublisher[eventio.CalcFailure](broker, eventio.OutputTopic)
	r := events.NewRouter()
	eventio.RegisterProblemHandlers(r, eventio.ProblemsTopic, calc.New(eventio.NewResultPublisher(success, failure)))
	svc, err := memevents.NewSubscriber(broker, "streamcalc", r)
	if err != nil {
		t.Fatal(err)
	}
	eventstest.Start(t, svc)

	rec := eventstest.NewRecorder()
	results, err := memevents.NewSubscriber(broker, "test-results", rec, events.WithTopics(eventio.OutputTopic))
	if err != nil {
		t.Fatal(err)
	}
	eventstest.Start(t, results)

	div, _ := memevents.NewPublisher[eventio.DivisionProblem](broker, eventio.ProblemsTopic)
	rec.Expect(t, results, func() {
		for _, p := range []eventio.DivisionProblem{{ProblemID: "q1", Dividend: 9, Divisor: 3}, {ProblemID: "q2", Dividend: 1, Divisor: 0}} {
			if err := div.Publish(ctx, p.ProblemID, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.WaitIdle(ctx); err != nil { // the service handled the problems
			t.Fatal(err)
		}
	},
		eventstest.Event("q1", eventio.CalcSuccess{ProblemID: "q1", Result: 3}),
		eventstest.Event("q2", eventio.CalcFailure{ProblemID: "q2", Reason: "division by zero"}),
	)
}
