package kafka_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// invalidTopicNames are names events.ValidateTopic refuses.
var invalidTopicNames = []string{"", ".", "..", "a b", "é", strings.Repeat("a", events.MaxTopicLen+1)}

// TestAdminRefusesInvalidNames: the admin calls check names with
// events.ValidateTopic before asking any broker, so the in-process broker
// (which would create such topics, or hang on the empty name) and Kafka
// answer alike, at once.
func TestAdminRefusesInvalidNames(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		c := b.Open(t, "")
		for _, name := range invalidTopicNames {
			if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: name}); !errors.Is(err, events.ErrInvalidMessage) {
				t.Errorf("CreateTopics(%q) = %v, want an error wrapping events.ErrInvalidMessage", name, err)
			}
			if ok, err := c.TopicExists(ctx, name); ok || !errors.Is(err, events.ErrInvalidMessage) {
				t.Errorf("TopicExists(%q) = %v, %v, want false and an error wrapping events.ErrInvalidMessage", name, ok, err)
			}
			if err := c.DeleteTopics(ctx, name); err != nil {
				t.Errorf("DeleteTopics(%q) = %v, want nil: no topic has an invalid name", name, err)
			}
		}

		// In a batch the valid topics are still created, and the errors joined.
		old, fresh := testenv.UniqueName(t, "old"), testenv.UniqueName(t, "new")
		t.Cleanup(func() { _ = c.DeleteTopics(context.Background(), old, fresh) })
		if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: old}); err != nil {
			t.Fatal(err)
		}
		err := c.CreateTopics(ctx, kafka.TopicSpec{Name: old}, kafka.TopicSpec{Name: fresh, Partitions: 2}, kafka.TopicSpec{Name: "bad name"})
		if !errors.Is(err, events.ErrTopicExists) || !errors.Is(err, events.ErrInvalidMessage) {
			t.Errorf("CreateTopics(existing, new, invalid) = %v, want errors wrapping events.ErrTopicExists and events.ErrInvalidMessage", err)
		}
		if ok, err := c.TopicExists(ctx, fresh); !ok || err != nil {
			t.Errorf("TopicExists(%q) after a batch that created it = %v, %v, want true, nil", fresh, ok, err)
		}
	})
}

// TestTopicExistsAsksTheBroker: TopicExists does not answer from a cached
// metadata, which franz-go keeps for up to 250ms here.
func TestTopicExistsAsksTheBroker(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		c1, c2 := b.Open(t, ""), b.Open(t, "")
		name := testenv.UniqueName(t, "exists")
		t.Cleanup(func() { _ = c1.DeleteTopics(context.Background(), name) })
		for _, c := range []*kafka.Client{c1, c2} {
			if ok, err := c.TopicExists(ctx, name); ok || err != nil {
				t.Fatalf("TopicExists(%q) before creating it = %v, %v, want false, nil", name, ok, err)
			}
		}
		if err := c1.CreateTopics(ctx, kafka.TopicSpec{Name: name}); err != nil {
			t.Fatal(err)
		}
		for i, c := range []*kafka.Client{c1, c2} {
			if ok, err := c.TopicExists(ctx, name); !ok || err != nil {
				t.Errorf("client %d: TopicExists(%q) right after CreateTopics = %v, %v, want true, nil", i+1, name, ok, err)
			}
		}
		if err := c1.DeleteTopics(ctx, name); err != nil {
			t.Fatal(err)
		}
		for i, c := range []*kafka.Client{c1, c2} {
			if ok, err := c.TopicExists(ctx, name); ok || err != nil {
				t.Errorf("client %d: TopicExists(%q) right after DeleteTopics = %v, %v, want false, nil", i+1, name, ok, err)
			}
		}
	})
}

// TestAdminAfterClose: topic management on a closed Client fails with
// events.ErrClosed, whether Open built the franz-go client (which Close
// closes) or New wrapped it (which stays open).
func TestAdminAfterClose(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		name := b.Topic(t, "closed", 1)
		wrapped, err := kafka.New(b.Client())
		if err != nil {
			t.Fatal(err)
		}
		for kind, c := range map[string]*kafka.Client{"Open": b.Open(t, ""), "New": wrapped} {
			if ok, err := c.TopicExists(ctx, name); !ok || err != nil {
				t.Fatalf("%s: TopicExists(%q) = %v, %v, want true, nil", kind, name, ok, err)
			}
			if err := c.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if ok, err := c.TopicExists(ctx, name); ok || !errors.Is(err, events.ErrClosed) {
				t.Errorf("%s: TopicExists after Close = %v, %v, want false and events.ErrClosed", kind, ok, err)
			}
			if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: name + "-x"}); !errors.Is(err, events.ErrClosed) {
				t.Errorf("%s: CreateTopics after Close = %v, want events.ErrClosed", kind, err)
			}
			if err := c.DeleteTopics(ctx, name); !errors.Is(err, events.ErrClosed) {
				t.Errorf("%s: DeleteTopics after Close = %v, want events.ErrClosed", kind, err)
			}
		}
		if ok, err := kafkatestExists(ctx, b, name); !ok || err != nil {
			t.Errorf("topic %s after DeleteTopics on closed clients: exists %v, %v; want it kept", name, ok, err)
		}
	})
}

// kafkatestExists asks through a fresh client on b's helper client.
func kafkatestExists(ctx context.Context, b *kafkatest.Broker, topic string) (bool, error) {
	c, err := kafka.New(b.Client())
	if err != nil {
		return false, err
	}
	return c.TopicExists(ctx, topic)
}

// TestTopicConfigs: a topic config Kafka refuses fails CreateTopics with
// ErrInvalidConfig on the in-process broker too, and creates nothing.
func TestTopicConfigs(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		c := b.Open(t, "")
		for _, cfg := range []map[string]string{
			{"retention.ms": "abc"}, {"retention.ms": "-5"}, {"retention.ms": "1.5"},
			{"cleanup.policy": "bogus"}, {"cleanup.policy": "compact,bogus"},
			{"max.message.bytes": "3000000000"}, {"min.insync.replicas": "0"}, {"segment.ms": "0"},
		} {
			name := testenv.UniqueName(t, "cfg")
			err := c.CreateTopics(ctx, kafka.TopicSpec{Name: name, Configs: cfg})
			if !errors.Is(err, kafka.ErrInvalidConfig) {
				t.Errorf("CreateTopics with configs %v = %v, want an error wrapping kafka.ErrInvalidConfig", cfg, err)
			}
			if ok, err := c.TopicExists(ctx, name); ok || err != nil {
				_ = c.DeleteTopics(ctx, name)
				t.Errorf("after CreateTopics with configs %v, TopicExists = %v, %v, want false", cfg, ok, err)
			}
		}
		if !b.InProcess() { // only a real broker knows every config name
			name := testenv.UniqueName(t, "cfg")
			if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: name, Configs: map[string]string{"no.such.config": "1"}}); !errors.Is(err, kafka.ErrInvalidConfig) {
				_ = c.DeleteTopics(ctx, name)
				t.Errorf("CreateTopics with an unknown config = %v, want an error wrapping kafka.ErrInvalidConfig", err)
			}
		}
		name := testenv.UniqueName(t, "cfg")
		t.Cleanup(func() { _ = c.DeleteTopics(context.Background(), name) })
		valid := map[string]string{"retention.ms": " -1 ", "retention.bytes": "+1000000", "cleanup.policy": "compact, delete",
			"max.message.bytes": "2000000", "min.insync.replicas": "1", "segment.ms": "3600000", "delete.retention.ms": "0", "min.compaction.lag.ms": "0"}
		if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: name, Configs: valid}); err != nil {
			t.Errorf("CreateTopics with configs %v = %v, want nil", valid, err)
		}
	})
}
