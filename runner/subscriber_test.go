package runner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/wiring"
)

// testSubscriberReadiness runs a subscriber of package wiring under a
// runner and checks that /readyz answers 503 until it joined its group.
func testSubscriberReadiness(t *testing.T, cfg wiring.Events, joined func(group string) bool) {
	ctx := context.Background()
	svc := wiring.Service{ServiceName: testenv.UniqueName(t, "runner"), ServiceInstanceID: "t"}
	b, err := wiring.Open(ctx, svc, wiring.WithEvents(cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	topic := svc.ServiceName
	if err := b.Events.EnsureTopics(ctx, true, 1, topic); err != nil {
		t.Fatal(err)
	}
	sub, err := b.Events.NewSubscriber(svc.ServiceName, eventstest.NewRecorder(), events.WithTopics(topic))
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(t)
	_ = r.Add("subscriber", sub)
	_ = r.AddCheck("backends", b.Ready)
	h := r.Handler()
	runCtx, cancel := context.WithCancel(ctx)
	done := runAsync(r, runCtx)
	defer func() { cancel(); _ = wait(t, done) }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		code, body := get(t, h, "/readyz")
		if code == 200 {
			break
		}
		if !strings.Contains(body, "subscriber") && !strings.Contains(body, "not running") {
			t.Fatalf("/readyz = %d %q, want the subscriber as the reason", code, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready within 60s: %q", body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !joined(svc.ServiceName) {
		t.Error("/readyz answered 200 before the subscriber joined its group")
	}
}

func TestReadinessMemorySubscriber(t *testing.T) {
	testSubscriberReadiness(t, wiring.Events{}, func(string) bool { return true })
}

func TestReadinessKafkaSubscriber(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	admin, err := kafka.Open(context.Background(), kafka.Config{Brokers: brokers, ServiceName: "runner-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var cl *kgo.Client
	admin.As(&cl)
	adm := kadm.NewClient(cl)
	var group string
	t.Cleanup(func() {
		ctx := context.Background()
		_, _ = adm.DeleteGroups(ctx, group)
		_, _ = adm.DeleteTopics(ctx, group)
	})
	testSubscriberReadiness(t, wiring.Events{EventsBackend: wiring.Kafka, KafkaServers: brokers}, func(g string) bool {
		group = g
		groups, err := adm.DescribeGroups(context.Background(), g)
		if err != nil {
			t.Fatal(err)
		}
		d := groups[g]
		return d.Err == nil && len(d.Members) == 1
	})
}
