package wiring_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/wiring"
)

// TestPythonFailureKeys loads the failure keys of a Python hexkit
// KafkaConfig and checks that they retry and dead-letter as described.
func TestPythonFailureKeys(t *testing.T) {
	dir := t.TempDir()
	yaml := "service_name: failing\nkafka_max_retries: 2\nkafka_retry_backoff: 0.001\nkafka_enable_dlq: true\nkafka_dlq_topic: my-dlq\n"
	if err := os.WriteFile(filepath.Join(dir, ".wt.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load("wt", svcConfig{Topic: "notes"}, config.WithEnviron(nil), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	if err != nil {
		t.Fatal(err)
	}
	if *cfg.KafkaMaxRetries != 2 || cfg.KafkaRetryBackoff != time.Millisecond || !cfg.KafkaEnableDLQ || cfg.KafkaDLQTopic != "my-dlq" {
		t.Fatalf("loaded %+v", cfg.Events)
	}
	ctx := context.Background()
	b, err := wiring.OpenEvents(ctx, cfg.Service, cfg.Events)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	if err := b.EnsureTopics(ctx, true, 1, cfg.Topic, cfg.KafkaDLQTopic); err != nil {
		t.Fatal(err)
	}
	attempts := 0
	r := events.NewRouter()
	events.Handle(r, cfg.Topic, func(context.Context, events.Delivery[noted]) error {
		attempts++
		return errors.New("always fails")
	})
	opts, err := cfg.FailureOptions(b)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := events.NewFailureHandler(r, cfg.ServiceName, opts...)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := b.NewSubscriber(cfg.ServiceName, fh)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sub.Run(runCtx) }()
	pub, _ := wiring.NewPublisher[noted](b, cfg.Topic)
	if err := pub.Publish(ctx, "n1", noted{ID: "n1"}); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var mem *memevents.Broker
	b.As(&mem)
	if n := len(mem.Messages("my-dlq")); attempts != 3 || n != 1 {
		t.Errorf("%d attempts and %d dead letters, want 3 and 1", attempts, n)
	}

	bad := []string{"WT_KAFKA_MAX_RETRIES=-1", "WT_KAFKA_RETRY_BACKOFF=-1s", "WT_KAFKA_DLQ_TOPIC=no spaces"}
	_, err = config.Load("wt", svcConfig{Service: wiring.DefaultService("x")}, config.WithEnviron(bad), config.WithDirs(t.TempDir(), ""), config.WithSecretsDir(""))
	var e *config.Error
	if !errors.As(err, &e) || len(e.Fields) != 3 {
		t.Errorf("bad failure keys: %v", err)
	}
}

func TestGenerateCorrelationIDFalse(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		env    []string
		strict bool
	}{{nil, false}, {[]string{"WT_GENERATE_CORRELATION_ID=true"}, false}, {[]string{"WT_GENERATE_CORRELATION_ID=false"}, true}} {
		cfg := load(t, tc.env...)
		b, err := wiring.OpenEvents(ctx, cfg.Service, cfg.Events)
		if err != nil {
			t.Fatal(err)
		}
		_ = b.EnsureTopics(ctx, true, 1, "notes")
		pub, err := wiring.NewPublisher[noted](b, "notes")
		if err != nil {
			t.Fatal(err)
		}
		err = pub.Publish(ctx, "n1", noted{ID: "n1"}) // no correlation id in ctx
		var ve *events.ValidationError
		if got := errors.As(err, &ve); got != tc.strict {
			t.Errorf("%v: Publish without a correlation id = %v, want refused: %v", tc.env, err, tc.strict)
		}
		b.Close(ctx)
	}
}
