package kafka_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestFailingPartitionDoesNotBlockOthers keeps failing the first record
// of partition 0: partition 1 is handled meanwhile, partition 0 goes no
// further (its fetching pauses once a few records wait), and after the
// failure clears, partition 0 resumes in order.
func TestFailingPartitionDoesNotBlockOthers(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "isolation", 2)
		raw, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var recs []*kgo.Record
		record := func(p int32, key string) {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Key: []byte(key), Value: []byte(`{}`),
				Headers: []kgo.RecordHeader{{Key: "type", Value: []byte("t")}, {Key: "event_id", Value: []byte(events.NewEventID())},
					{Key: "correlation_id", Value: []byte(events.NewEventID())}}})
		}
		record(0, "stuck")
		for i := range 20 {
			record(0, fmt.Sprint("p0-", i))
		}
		for i := range 50 {
			record(1, fmt.Sprint("p1-", i))
		}
		if err := raw.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
		var released atomic.Bool
		c := newCollector()
		c.until = func(m *events.Message) error {
			if m.Key == "stuck" && !released.Load() {
				return errors.New("not yet")
			}
			return nil
		}
		startSubscriber(t, b.Config(topic+"-svc"), []string{topic}, c, kafka.WithMaxQueuedRecords(5))
		got := c.waitN(t, ctx, 50)
		for _, g := range got {
			if g.Key[:2] != "p1" {
				t.Fatalf("handled %s while the record before it on partition 0 keeps failing", g.Key)
			}
		}
		released.Store(true)
		got = c.waitN(t, ctx, len(recs))
		var p0 []string
		for _, g := range got {
			if g.Key[:2] != "p1" {
				p0 = append(p0, g.Key)
			}
		}
		want := []string{"stuck"}
		for i := range 20 {
			want = append(want, fmt.Sprint("p0-", i))
		}
		if fmt.Sprint(p0) != fmt.Sprint(want) {
			t.Fatalf("partition 0 handled as %v, want %v", p0, want)
		}
	})
}
