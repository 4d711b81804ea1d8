package kafka_test

import (
	"fmt"
	"net"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// TestBrokerRestartLosesNothing stops the broker in the middle of a stream
// and starts it again on the same port and data directory: the publisher's
// records are retried until the broker is back, the subscriber resumes,
// and every message is handled.
func TestBrokerRestartLosesNothing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir := t.TempDir()
	start := func() *kfake.Cluster {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port), kfake.DataDir(dir), kfake.SyncWrites())
		if err != nil {
			t.Fatalf("start broker: %v", err)
		}
		return c
	}
	var mu sync.Mutex
	cluster := start()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		cluster.Close()
	})
	restartMidStream(t, kafka.Config{Brokers: cluster.ListenAddrs(), ServiceName: "restart-svc"}, func() {
		mu.Lock()
		defer mu.Unlock()
		cluster.Close()
		cluster = start()
	})
}

// restartMidStream publishes and consumes through a restart of the broker
// that cfg names (restart stops and starts it) and checks that every
// message is handled.
func restartMidStream(t *testing.T, cfg kafka.Config, restart func()) {
	t.Helper()
	ctx := testContext(t)
	admin := open(t, cfg)
	const topic = "restart"
	if err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: 2}); err != nil {
		t.Fatal(err)
	}
	pub := sender(t, cfg)
	c := newCollector()
	startSubscriber(t, cfg, []string{topic}, c)

	var all []*events.Message
	batch := func(n int) []*events.Message {
		var b []*events.Message
		for i := range n {
			b = append(b, msg(topic, fmt.Sprint("k", i%8), "t", fmt.Sprintf(`{"n":%d}`, len(all)+i)))
		}
		all = append(all, b...)
		return b
	}
	send(t, ctx, pub, batch(100)...)
	c.waitN(t, ctx, 50)
	restart()
	send(t, ctx, pub, batch(100)...)
	got := c.wait(t, ctx, "every message after the restart", func(got []*events.Message) bool {
		seen := map[string]bool{}
		for _, g := range got {
			seen[g.EventID] = true
		}
		return len(seen) == len(all)
	})
	t.Logf("%d messages, %d handled (redeliveries after the restart are allowed)", len(all), len(got))
}
