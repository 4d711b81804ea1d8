package memevents_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

type PaymentReceived struct {
	OrderID string `json:"order_id"`
	Cents   int    `json:"cents"`
}

func (PaymentReceived) EventType() string { return "payment_received" }

// Two consumer groups each receive every event; WaitIdle makes the test
// deterministic.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("payments", 3)

	var mu sync.Mutex
	totals := map[string]int{}
	for _, group := range []string{"billing", "analytics"} {
		r := events.NewRouter()
		events.Handle(r, "payments", func(ctx context.Context, d events.Delivery[PaymentReceived]) error {
			mu.Lock()
			defer mu.Unlock()
			totals[group] += d.Event.Cents
			return nil
		})
		sub, _ := memevents.NewSubscriber(broker, group, r)
		go sub.Run(ctx)
	}

	pub, _ := memevents.NewPublisher[PaymentReceived](broker, "payments")
	for i, cents := range []int{500, 1200, 300} {
		id := fmt.Sprintf("order-%d", i)
		_ = pub.Publish(ctx, id, PaymentReceived{OrderID: id, Cents: cents})
	}
	if err := broker.WaitIdle(ctx); err != nil {
		panic(err)
	}
	mu.Lock()
	fmt.Println(totals["billing"], totals["analytics"])
	mu.Unlock()
	// Output: 2000 2000
}

// A handler error redelivers the same event after a backoff: at least once.
func ExampleNewSubscriber_redelivery() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("payments", 1)

	attempts := 0
	r := events.NewRouter()
	events.Handle(r, "payments", func(ctx context.Context, d events.Delivery[PaymentReceived]) error {
		attempts++ // one partition: calls never overlap
		if attempts < 3 {
			return errors.New("database unavailable")
		}
		fmt.Printf("handled %s on attempt %d\n", d.Event.OrderID, attempts)
		return nil
	})
	sub, _ := memevents.NewSubscriber(broker, "billing", r,
		events.WithRetryBackoff(time.Millisecond, 10*time.Millisecond),
		events.WithLogger(slog.New(slog.DiscardHandler)))
	go sub.Run(ctx)

	pub, _ := memevents.NewPublisher[PaymentReceived](broker, "payments")
	_ = pub.Publish(ctx, "order-7", PaymentReceived{OrderID: "order-7", Cents: 100})
	_ = sub.WaitIdle(ctx)
	// Output: handled order-7 on attempt 3
}

// Publishing to a topic that does not exist fails, as on Kafka: topics are
// created by operations, here by CreateTopic.
func ExampleBroker_CreateTopic() {
	ctx := context.Background()
	broker, _ := memevents.New()
	defer broker.Close()
	pub, _ := memevents.NewPublisher[PaymentReceived](broker, "payments")

	err := pub.Publish(ctx, "order-1", PaymentReceived{OrderID: "order-1"})
	fmt.Println(errors.Is(err, events.ErrTopicNotFound))

	_ = broker.CreateTopic("payments", 1)
	fmt.Println(pub.Publish(ctx, "order-1", PaymentReceived{OrderID: "order-1"}))
	// Output:
	// true
	// <nil>
}
