package kafka_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestConcurrentPublishesAllArrive publishes from 64 goroutines at once,
// one event per call, as services do: every call succeeds and every event
// is stored exactly once.
func TestConcurrentPublishesAllArrive(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "coalesce", 3)
		c := open(t, b.Config("coalesce"))
		pub, err := kafka.NewPublisher[OrderPlaced](c, topic)
		if err != nil {
			t.Fatal(err)
		}
		const goroutines, each = 64, 20
		var wg sync.WaitGroup
		errs := make(chan error, goroutines*each)
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					errs <- pub.Publish(ctx, fmt.Sprint("k-", g), OrderPlaced{ID: fmt.Sprint(g, "-", i)})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]int{}
		for _, r := range readAll(t, ctx, b.Addrs(), topic, goroutines*each) {
			got[string(r.Value)]++
		}
		if len(got) != goroutines*each {
			t.Fatalf("stored %d distinct events, want %d", len(got), goroutines*each)
		}
		for v, n := range got {
			if n != 1 {
				t.Fatalf("event %s stored %d times", v, n)
			}
		}
	})
}

// TestSlowPartitionDoesNotHoldOthers holds the produce requests of the
// broker that leads partition 0: a publish to partition 1, on the other
// broker, still succeeds at once, although the publish to partition 0 is
// in flight before it.
func TestSlowPartitionDoesNotHoldOthers(t *testing.T) {
	ctx := testContext(t)
	const topic = "slow-leader"
	cluster, err := kfake.NewCluster(kfake.NumBrokers(2), kfake.SeedTopics(2, topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	slow := cluster.LeaderFor(topic, 0)
	if cluster.LeaderFor(topic, 1) == slow {
		other := int32(0)
		if slow == 0 {
			other = 1
		}
		if err := cluster.MoveTopicPartition(topic, 1, other); err != nil {
			t.Fatal(err)
		}
	}
	release := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) })
	cluster.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		cluster.KeepControl()
		if cluster.CurrentNode() == slow {
			cluster.SleepControl(func() { <-release })
		}
		return nil, nil, false
	})
	// Keys that the client's partitioner puts on partitions 0 and 1.
	part := kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	key := map[int]string{}
	for i := 0; len(key) < 2; i++ {
		k := fmt.Sprint("key-", i)
		p := part.Partition(&kgo.Record{Key: []byte(k)}, 2)
		if _, ok := key[p]; !ok {
			key[p] = k
		}
	}
	c := open(t, kafka.Config{Brokers: cluster.ListenAddrs()})
	pub, err := kafka.NewPublisher[OrderPlaced](c, topic)
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan error, 1)
	go func() { held <- pub.Publish(ctx, key[0], OrderPlaced{ID: "slow"}) }()
	time.Sleep(200 * time.Millisecond) // in flight, held by its broker
	quick, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := pub.Publish(quick, key[1], OrderPlaced{ID: "quick"}); err != nil {
		t.Fatalf("publish to the other broker's partition while one is slow: %v", err)
	}
	select {
	case err := <-held:
		t.Fatalf("the held publish returned %v before its broker answered", err)
	default:
	}
	once.Do(func() { close(release) })
	if err := <-held; err != nil {
		t.Fatal(err)
	}
}

// readAll reads n records of topic from its start, and fails if more
// arrive within a short while.
func readAll(t *testing.T, ctx context.Context, addrs []string, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for len(recs) < n {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records", len(recs), n)
		}
		recs = append(recs, fetches.Records()...)
	}
	more, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if extra := cl.PollFetches(more).Records(); len(extra) > 0 {
		t.Fatalf("%d records more than the %d expected", len(extra), n)
	}
	return recs
}
