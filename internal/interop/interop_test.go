package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/examples/streamcalc/app"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

func newPeer(t *testing.T, brokers []string, service string) *Peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	python, err := EnsurePython(ctx)
	if err != nil {
		t.Fatalf("setting up Python hexkit: %v", err)
	}
	p, err := NewPeer(python, t.TempDir(), brokers, service)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runUntilEnd runs run (a subscriber's or relay's Run) until the test
// ends, and fails the test if it returns an error then.
func runUntilEnd(ctx context.Context, t *testing.T, what string, run func(context.Context) error) {
	t.Helper()
	ctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", what, err)
		}
	})
}

// TestPythonProblemsGoAnswers: a Python hexkit publisher sends problems, the
// Go streamcalc service answers them, and a Python hexkit subscriber
// receives the answers: types, keys, payloads and correlation ids must come
// through as each side expects.
func TestPythonProblemsGoAnswers(t *testing.T) {
	b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	problems, output := b.Topic(t, "py-problems", 3), b.Topic(t, "py-output", 3)
	peer := newPeer(t, b.Addrs(), testenv.UniqueName(t, "py"))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	svcCtx, stopSvc := context.WithCancel(ctx)
	done := make(chan error, 1)
	// The service is configured as a Python hexkit service would be: a
	// JSON list in STREAMCALC_KAFKA_SERVERS.
	servers, _ := json.Marshal(b.Addrs())
	dir := t.TempDir()
	cfg, err := app.Load(config.WithDirs(dir, dir), config.WithSecretsDir(""), config.WithEnviron([]string{
		"STREAMCALC_EVENTS_BACKEND=kafka", "STREAMCALC_KAFKA_SERVERS=" + string(servers),
		"STREAMCALC_SERVICE_NAME=" + testenv.UniqueName(t, "streamcalc"), "STREAMCALC_SERVICE_INSTANCE_ID=go",
		"STREAMCALC_PROBLEMS_TOPIC=" + problems, "STREAMCALC_OUTPUT_TOPIC=" + output,
	}))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		done <- app.Run(svcCtx, cfg, &bytes.Buffer{}, slog.New(slog.DiscardHandler))
	}()
	defer func() {
		stopSvc()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("streamcalc: %v", err)
		}
	}()

	cids := []string{hexkit.NewCorrelationID(), hexkit.NewCorrelationID(), hexkit.NewCorrelationID()}
	sent := []Event{
		{Type: "multiplication_problem", Key: "py-1", CorrelationID: cids[0], Payload: json.RawMessage(`{"problem_id": "py-1", "multiplier": 2.5, "multiplicand": 10}`)},
		{Type: "division_problem", Key: "py-2", CorrelationID: cids[1], Payload: json.RawMessage(`{"problem_id": "py-2", "dividend": 25, "divisor": 10}`)},
		{Type: "division_problem", Key: "py-3", CorrelationID: cids[2], Payload: json.RawMessage(`{"problem_id": "py-3", "dividend": 1, "divisor": 0}`)},
	}
	if err := peer.Publish(ctx, problems, sent...); err != nil {
		t.Fatal(err)
	}
	got, err := peer.Collect(ctx, output, len(sent), "calc_success", "calc_failure")
	if err != nil {
		t.Fatal(err)
	}

	type answer struct {
		Type, Key, Topic, CorrelationID string
		Payload                         map[string]any
	}
	want := []answer{
		{"calc_success", "py-1", output, cids[0], map[string]any{"problem_id": "py-1", "result": 25.0}},
		{"calc_success", "py-2", output, cids[1], map[string]any{"problem_id": "py-2", "result": 2.5}},
		{"calc_failure", "py-3", output, cids[2], map[string]any{"problem_id": "py-3", "reason": "division by zero"}},
	}
	var have []answer
	for _, e := range got {
		var p map[string]any
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("payload %s: %v", e.Payload, err)
		}
		if err := hexkit.ValidateCorrelationID(e.EventID); err != nil {
			t.Errorf("answer %s: event id %q: %v", e.Key, e.EventID, err)
		}
		have = append(have, answer{e.Type, e.Key, e.Topic, e.CorrelationID, p})
	}
	if diff := cmp.Diff(want, have, cmpopts.SortSlices(func(a, b answer) bool { return a.Key < b.Key })); diff != "" {
		t.Errorf("answers seen by Python hexkit (-want +got):\n%s", diff)
	}
}
