package runner_test

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/runner"
	"github.com/hexkit-go/hexkit/wiring"
)

type tick struct {
	N int `json:"n"`
}

func (tick) EventType() string { return "tick" }

// TestSIGTERMDrainsKafkaSubscriber stops a Kafka subscriber with SIGTERM
// in the middle of a stream and restarts it in the same group: every event
// is handled, and none twice, because the drain commits what was handled.
func TestSIGTERMDrainsKafkaSubscriber(t *testing.T) {
	ctx := context.Background()
	name := testenv.UniqueName(t, "drain")
	svc := wiring.Service{ServiceName: name, ServiceInstanceID: "t"}
	b, err := wiring.Open(ctx, svc, wiring.WithEvents(wiring.Events{EventsBackend: wiring.Kafka, KafkaServers: testenv.KafkaBrokers(t)}))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	var client *kafka.Client
	b.Events.As(&client)
	t.Cleanup(func() {
		var kc *kgo.Client
		client.As(&kc)
		adm := kadm.NewClient(kc)
		_, _ = adm.DeleteGroups(ctx, name)
		_, _ = adm.DeleteTopics(ctx, name)
	})
	if err := b.Events.EnsureTopics(ctx, true, 3, name); err != nil {
		t.Fatal(err)
	}
	pub, err := wiring.NewPublisher[tick](b.Events, name)
	if err != nil {
		t.Fatal(err)
	}
	const total = 300
	for i := range total {
		if err := pub.Publish(ctx, fmt.Sprint(i), tick{N: i}); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	handled := map[int]int{}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(handled) }
	run := func(stopAt int) {
		t.Helper()
		r := events.NewRouter()
		events.Handle(r, name, func(ctx context.Context, d events.Delivery[tick]) error {
			time.Sleep(2 * time.Millisecond)
			mu.Lock()
			handled[d.Event.N]++
			mu.Unlock()
			return nil
		})
		sub, err := b.Events.NewSubscriber(name, r)
		if err != nil {
			t.Fatal(err)
		}
		rn, err := runner.New(runner.WithSignals(syscall.SIGTERM))
		if err != nil {
			t.Fatal(err)
		}
		_ = rn.Add("subscriber", sub)
		done := runAsync(rn, ctx)
		deadline := time.Now().Add(90 * time.Second)
		for count() < stopAt && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if stopAt < total {
			if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		} else if err := sub.WaitIdle(ctx); err != nil {
			t.Fatal(err)
		} else {
			_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
		}
		if err := wait(t, done); err != nil {
			t.Fatalf("Run after SIGTERM = %v", err)
		}
	}
	run(total / 3)
	first := count()
	if first >= total {
		t.Fatalf("the first run handled all %d events before SIGTERM; the test proves nothing", first)
	}
	run(total)

	mu.Lock()
	defer mu.Unlock()
	var twice []int
	for i := range total {
		switch handled[i] {
		case 0:
			t.Errorf("event %d was never handled", i)
		case 1:
		default:
			twice = append(twice, i)
		}
	}
	if len(twice) > 0 {
		t.Errorf("events handled twice after a graceful drain: %v", twice)
	}
	t.Logf("first run handled %d of %d events before SIGTERM", first, total)
}
