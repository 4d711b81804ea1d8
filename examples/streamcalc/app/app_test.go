package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

const demoOutput = `6 × 7 = 42
10 ÷ 4 = 2.5
2.5 × -4 = -10
1 ÷ 0 failed: division by zero
`

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestRunMemoryDemo(t *testing.T) {
	cfg, err := loadEnv(t, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), cfg, &out, quietLogger()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if out.String() != demoOutput {
		t.Errorf("demo output:\n%s\nwant:\n%s", out.String(), demoOutput)
	}
}

func TestRunKafkaDemoInProcess(t *testing.T) {
	testKafkaDemo(t, kafkatest.NewFake(t))
}

func TestRunKafkaDemoRealBroker(t *testing.T) {
	testKafkaDemo(t, kafkatest.Connect(t, testenv.KafkaBrokers(t)...))
}

// testKafkaDemo runs the service in demo mode on Kafka and checks both the
// printed answers and the result events on the output topic.
func testKafkaDemo(t *testing.T, b *kafkatest.Broker) {
	cfg := kafkaConfig(t, b, "STREAMCALC_DEMO=true", "STREAMCALC_DEMO_TIMEOUT=90s")
	rec := b.Record(t, cfg.OutputTopic)

	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Run(ctx, cfg, &out, quietLogger()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if out.String() != demoOutput {
		t.Errorf("demo output:\n%s\nwant:\n%s", out.String(), demoOutput)
	}
	var types []string
	for _, r := range rec.Records(t) {
		types = append(types, r.Message.Type)
		if err := hexkit.ValidateCorrelationID(r.Message.CorrelationID); err != nil {
			t.Errorf("result %s has correlation id %q: %v", r.Message.Key, r.Message.CorrelationID, err)
		}
	}
	sort.Strings(types)
	if want := []string{"calc_failure", "calc_success", "calc_success", "calc_success"}; !slices.Equal(types, want) {
		t.Errorf("result event types %v, want %v", types, want)
	}
}

// TestServeKafka runs the service as a long-lived process on the real (or
// in-process) broker, sends it a problem like another service would, checks
// the answer including the propagated correlation id, and stops it.
func TestServeKafka(t *testing.T) {
	b := kafkatest.New(t)
	cfg := kafkaConfig(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, &bytes.Buffer{}, quietLogger()) }()

	pub, err := kafka.NewPublisher[eventio.DivisionProblem](b.Open(t, ""), cfg.ProblemsTopic)
	if err != nil {
		t.Fatal(err)
	}
	rec := b.Record(t, cfg.OutputTopic)
	cid := hexkit.NewCorrelationID()
	if err := pub.Publish(hexkit.WithCorrelationID(ctx, cid), "q1", eventio.DivisionProblem{ProblemID: "q1", Dividend: 9, Divisor: 3}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		recs := rec.Records(t)
		if len(recs) > 0 {
			m := recs[0].Message
			if m.Type != "calc_success" || m.Key != "q1" || m.CorrelationID != cid || string(m.Payload) != `{"problem_id":"q1","result":3}` {
				t.Errorf("answer = type %s key %s correlation %s payload %s; want calc_success q1 %s {\"problem_id\":\"q1\",\"result\":3}",
					m.Type, m.Key, m.CorrelationID, m.Payload, cid)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no answer on the output topic within 90s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Run after cancel = %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return within 60s of cancellation")
	}
}

// kafkaConfig loads the configuration of the service on b's broker from
// environment variables alone, as a deployment would set them.
func kafkaConfig(t *testing.T, b *kafkatest.Broker, env ...string) Config {
	t.Helper()
	cfg, err := loadEnv(t, "", append([]string{
		"STREAMCALC_EVENTS_BACKEND=kafka",
		"STREAMCALC_KAFKA_SERVERS=" + strings.Join(b.Addrs(), ","),
		"STREAMCALC_SERVICE_NAME=" + testenv.UniqueName(t, "streamcalc"),
		"STREAMCALC_PROBLEMS_TOPIC=" + b.Topic(t, "problems", 3),
		"STREAMCALC_OUTPUT_TOPIC=" + b.Topic(t, "output", 3),
		"STREAMCALC_DEMO_TIMEOUT=1m",
	}, env...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
