package kafka_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// A publish to a missing topic fails promptly with ErrTopicNotFound, and as
// promptly on a client that has published before (and so holds metadata)
// as on a fresh one.
func TestMissingTopicIsPromptOnAWarmClient(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := kafka.Open(ctx, kafka.Config{Brokers: b.Addrs()})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		topic := b.Topic(t, "warm", 1)
		s, err := kafka.NewSender(c)
		if err != nil {
			t.Fatal(err)
		}
		for i, tp := range []string{topic + "-missing-a", topic, topic + "-missing-b", topic + "-missing-c"} {
			t0 := time.Now()
			err := s.Send(ctx, msg(tp, "k", "x", `{}`))
			took := time.Since(t0)
			t.Logf("publish %d to %s: %v after %v", i, tp, err, took.Round(time.Millisecond))
			if tp == topic {
				if err != nil {
					t.Fatalf("publish to an existing topic = %v", err)
				}
				continue
			}
			if !errors.Is(err, events.ErrTopicNotFound) {
				t.Errorf("publish to missing topic %s = %v, want ErrTopicNotFound", tp, err)
			}
			if took > 3*time.Second {
				t.Errorf("publish to missing topic %s took %v, want under 3s", tp, took)
			}
		}
	})
}
