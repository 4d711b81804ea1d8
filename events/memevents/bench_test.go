package memevents_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

type benchEvent struct {
	ID     string   `json:"id"`
	Amount int      `json:"amount"`
	Note   string   `json:"note"`
	Tags   []string `json:"tags"`
}

func (benchEvent) EventType() string { return "bench_event" }

// BenchmarkPublishHandle measures one event's way through the in-memory
// broker: typed publish, store, delivery to a subscriber, routing,
// decoding, handling and commit. The timing includes waiting until every
// event was handled.
func BenchmarkPublishHandle(b *testing.B) {
	for _, partitions := range []int{1, 4} {
		b.Run(map[int]string{1: "partitions=1", 4: "partitions=4"}[partitions], func(b *testing.B) {
			ctx, cancel := context.WithCancel(hexkit.WithCorrelationID(context.Background(), hexkit.NewCorrelationID()))
			defer cancel()
			broker, err := memevents.New()
			if err != nil {
				b.Fatal(err)
			}
			defer broker.Close()
			if err := broker.CreateTopic("bench", partitions); err != nil {
				b.Fatal(err)
			}
			r := events.NewRouter()
			events.Handle(r, "bench", func(ctx context.Context, d events.Delivery[benchEvent]) error { return nil })
			sub, err := memevents.NewSubscriber(broker, "bench", r)
			if err != nil {
				b.Fatal(err)
			}
			go sub.Run(ctx)
			pub, err := memevents.NewPublisher[benchEvent](broker, "bench")
			if err != nil {
				b.Fatal(err)
			}
			e := benchEvent{ID: "order-123456", Amount: 4200, Note: strings.Repeat("x", 900), Tags: []string{"a", "b"}}
			keys := []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := pub.Publish(ctx, keys[i%len(keys)], e); err != nil {
					b.Fatal(err)
				}
			}
			// Timed too: the benchmark measures publish through handle.
			if err := broker.WaitIdle(ctx); err != nil {
				b.Fatal(err)
			}
		})
	}
}
