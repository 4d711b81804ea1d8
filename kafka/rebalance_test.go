package kafka_test

import (
	"fmt"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestRebalanceLosesNothing publishes while members join and leave the
// group: every message is handled at least once, and each member hands its
// partitions over with their handled offsets committed, so redeliveries stay
// few.
func TestRebalanceLosesNothing(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "rebalance", 4)
		pub := b.Sender(t)
		cfg := b.Config(topic + "-svc")
		c := newCollector() // shared by all members
		var all []*events.Message
		publish := func(n int) {
			batch := make([]*events.Message, 0, n)
			for i := range n {
				batch = append(batch, msg(topic, fmt.Sprint("k", i%16), "t", fmt.Sprintf(`{"n":%d}`, len(all)+i)))
			}
			send(t, ctx, pub, batch...)
			all = append(all, batch...)
		}
		stopA := startSubscriber(t, cfg, []string{topic}, c)
		publish(300)
		c.waitN(t, ctx, 100)
		startSubscriber(t, cfg, []string{topic}, c) // B joins: partitions move
		publish(300)
		c.waitN(t, ctx, 400)
		stopA() // A leaves: its partitions go to B
		publish(300)
		startSubscriber(t, cfg, []string{topic}, c) // C joins
		publish(300)

		ids := map[string]bool{}
		for _, m := range all {
			ids[m.EventID] = true
		}
		got := c.wait(t, ctx, "every published message", func(got []*events.Message) bool {
			seen := map[string]bool{}
			for _, g := range got {
				seen[g.EventID] = true
			}
			return len(seen) == len(ids)
		})
		dups := len(got) - len(ids)
		t.Logf("%d messages, %d handled, %d redelivered across the rebalances", len(ids), len(got), dups)
		if dups > len(ids)/2 {
			t.Errorf("%d of %d messages handled twice: handed-over partitions were not committed on revoke", dups, len(ids))
		}
	})
}
