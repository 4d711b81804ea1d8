package kafka_test

import (
	"errors"
	"sync/atomic"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestRecordsArrivingDuringRetry: records fetched while the partition's
// worker retries a failing record are handled after it, none dropped.
func TestRecordsArrivingDuringRetry(t *testing.T) {
	b := kafkatest.NewFake(t)
	ctx := testContext(t)
	topic := b.Topic(t, "retry-arrivals", 1)
	pub := b.Sender(t)
	var msgs []*events.Message
	for range 6 {
		msgs = append(msgs, msg(topic, "k", "t", `{}`))
	}
	var failures atomic.Int32
	c := newCollector()
	c.until = func(m *events.Message) error {
		if m.EventID == msgs[1].EventID && failures.Add(1) <= 3 {
			return errors.New("transient")
		}
		return nil
	}
	startSubscriber(t, b.Config(topic+"-svc"), []string{topic}, c)
	send(t, ctx, pub, msgs[:2]...)
	c.waitN(t, ctx, 1)
	for _, m := range msgs[2:] { // one fetch each, while msgs[1] is retried
		send(t, ctx, pub, m)
	}
	got := c.waitN(t, ctx, len(msgs))
	for i, g := range got {
		if g.EventID != msgs[i].EventID {
			t.Fatalf("handled message %d is %s, want %s (in order, none lost)", i, g.EventID, msgs[i].EventID)
		}
	}
}
