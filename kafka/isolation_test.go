package kafka_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// bufferedCounter counts the records franz-go buffered from fetches.
type bufferedCounter struct{ n atomic.Int64 }

func (c *bufferedCounter) OnFetchRecordBuffered(*kgo.Record) { c.n.Add(1) }

// TestQueuedBytesBoundFetching keeps the first record of a partition
// failing: with WithMaxQueuedBytes of a few records' size, fetching of the
// partition pauses after about that many bytes plus one fetch, although
// far more records wait on the broker and the record limit is not near;
// once the failure clears, every record is handled in order.
func TestQueuedBytesBoundFetching(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "bytes-bound", 1)
		raw, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		const records = 200
		value := []byte(`{"pad":"` + strings.Repeat("x", 1000) + `"}`)
		for i := range records { // one batch each, so that a fetch can stop between them
			rec := &kgo.Record{Topic: topic, Key: []byte(fmt.Sprint("k-", i)), Value: value,
				Headers: []kgo.RecordHeader{{Key: "type", Value: []byte("t")}, {Key: "event_id", Value: []byte(events.NewEventID())},
					{Key: "correlation_id", Value: []byte(events.NewEventID())}}}
			if err := raw.ProduceSync(ctx, rec).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		var released atomic.Bool
		var attempts atomic.Int64
		c := newCollector()
		c.until = func(m *events.Message) error {
			if !released.Load() {
				attempts.Add(1)
				return errors.New("not yet")
			}
			return nil
		}
		buffered := &bufferedCounter{}
		cfg := b.Config(topic + "-svc")
		// Small fetches, so that the bound, not the fetch size, decides.
		cfg.Options = append(cfg.Options, kgo.WithHooks(buffered), kgo.FetchMaxPartitionBytes(4<<10), kgo.FetchMaxBytes(4<<10))
		startSubscriber(t, cfg, []string{topic}, c, kafka.WithMaxQueuedBytes(8<<10))
		for attempts.Load() < 3 { // the first record is failing: fetching had time to run ahead
			if ctx.Err() != nil {
				t.Fatal("the handler was not called")
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		// 8 KiB of records queued, the fetch that crossed the limit, and
		// the few 4 KiB fetches franz-go buffered while the poll loop waited
		// before pausing the partition (dropped by the pause): a few dozen
		// of the 200 records at most.
		if n := buffered.n.Load(); n > 40 {
			t.Fatalf("franz-go fetched %d records of 1 KiB with an 8 KiB bound", n)
		}
		released.Store(true)
		got := c.waitN(t, ctx, records)
		for i, g := range got {
			if want := fmt.Sprint("k-", i); g.Key != want {
				t.Fatalf("record %d handled is %s, want %s", i, g.Key, want)
			}
		}
	})
}
