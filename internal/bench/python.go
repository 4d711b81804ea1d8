package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/interop"
	"github.com/hexkit-go/hexkit/kafka"
)

// The python suite compares hexkit-go with Python hexkit, the library it is
// wire-compatible with, on the same broker: "raw" is Python hexkit here.
// Python hexkit publishes with one acknowledged round trip per event and
// consumes one event at a time with a commit per event; each side is used
// the way its documentation shows.
const (
	pythonEvents      = 5000
	pythonPayloadSize = 1024
)

// benchEvent is the event both sides publish and consume.
type benchEvent struct {
	ID   string `json:"id"`
	Data string `json:"data"`
}

func (benchEvent) EventType() string { return "bench_event" }

func pythonSuite(ctx context.Context, r *reporter) error {
	brokers := strings.Split(os.Getenv("HEXKIT_KAFKA_BROKERS"), ",")
	if brokers[0] == "" {
		return errors.New("python: set HEXKIT_KAFKA_BROKERS (eval \"$(scripts/servers env)\")")
	}
	python, err := interop.EnsurePython(ctx)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hexkit-bench-python-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	peer, err := interop.NewPeer(python, dir, brokers, "bench-py-"+run)
	if err != nil {
		return err
	}

	cfg := kafka.Config{Brokers: brokers, ServiceName: "bench-go-" + run}
	admin, err := kafka.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	pyTopic, goTopic, seqTopic := "bench-py-"+run, "bench-go-"+run, "bench-go-seq-"+run
	for _, t := range []string{pyTopic, goTopic, seqTopic} {
		if err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: t, Partitions: 3}); err != nil {
			return err
		}
	}
	defer func() { _ = admin.DeleteTopics(context.WithoutCancel(ctx), pyTopic, goTopic, seqTopic) }()

	pubClient := admin
	data := strings.Repeat("x", pythonPayloadSize-20)

	// Publish, one event at a time: every call waits for its acknowledgement.
	pySeconds, err := peer.Bench(ctx, "bench-publish", pyTopic, strconv.Itoa(pythonEvents), strconv.Itoa(pythonPayloadSize))
	if err != nil {
		return err
	}
	goSeq, err := timeIt(func() error {
		pub, err := kafka.NewPublisher[benchEvent](pubClient, seqTopic)
		if err != nil {
			return err
		}
		for i := range pythonEvents {
			id := strconv.Itoa(i)
			if err := pub.Publish(ctx, strconv.Itoa(i%64), benchEvent{ID: id, Data: data}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	pyRate := pythonEvents / pySeconds
	if err := r.print("publish-sequential", pythonEvents/goSeq, pyRate); err != nil {
		return err
	}

	// Publish in bulk: hexkit-go's batch call against Python's only way.
	goBatch, err := timeIt(func() error {
		pub, err := kafka.NewPublisher[benchEvent](pubClient, goTopic)
		if err != nil {
			return err
		}
		batch := make([]events.Keyed[benchEvent], 0, 1000)
		for i := range pythonEvents {
			batch = append(batch, events.Keyed[benchEvent]{Key: strconv.Itoa(i % 64), Event: benchEvent{ID: strconv.Itoa(i), Data: data}})
			if len(batch) == cap(batch) || i == pythonEvents-1 {
				if err := pub.PublishBatch(ctx, batch...); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := r.print("publish-batch", pythonEvents/goBatch, pyRate); err != nil {
		return err
	}

	// Consume + handle + commit the events Python published, each side in
	// its own consumer group, timed from start (group join included).
	pyConsume, err := peer.Bench(ctx, "bench-consume", pyTopic, strconv.Itoa(pythonEvents), "bench_event")
	if err != nil {
		return err
	}
	goConsume, err := timeIt(func() error { return consumeN(ctx, cfg, pyTopic, pythonEvents) })
	if err != nil {
		return err
	}
	return r.print("consume", pythonEvents/goConsume, pythonEvents/pyConsume)
}

// consumeN runs a hexkit subscriber on topic until it handled n events.
func consumeN(ctx context.Context, cfg kafka.Config, topic string, n int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var handled atomic.Int64
	r := events.NewRouter()
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[benchEvent]) error {
		if handled.Add(1) == n {
			cancel()
		}
		return nil
	})
	client, err := kafka.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer client.Close(context.WithoutCancel(ctx))
	sub, err := kafka.NewSubscriber(client, cfg.ServiceName, r)
	if err != nil {
		return err
	}
	err = sub.Run(ctx)
	if got := handled.Load(); got < n {
		return fmt.Errorf("python: consumed %d of %d events: %v", got, n, err)
	}
	return nil
}

func timeIt(f func() error) (float64, error) {
	start := time.Now()
	err := f()
	return time.Since(start).Seconds(), err
}
