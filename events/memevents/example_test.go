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
	broker, _ := memevents.New(memevents.WithPartitions(3))
	defer broker.Close()

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
		sub, _ := broker.NewSubscriber(group, r)
		go sub.Run(ctx)
	}

	pub, _ := events.NewPublisher[PaymentReceived](broker, "payments")
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
func ExampleSubscriber_Run_redelivery() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker, _ := memevents.New(memevents.WithLogger(slog.New(slog.DiscardHandler)))
	defer broker.Close()

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
	sub, _ := broker.NewSubscriber("billing", r, memevents.WithRetryBackoff(time.Millisecond, 10*time.Millisecond))
	go sub.Run(ctx)

	pub, _ := events.NewPublisher[PaymentReceived](broker, "payments")
	_ = pub.Publish(ctx, "order-7", PaymentReceived{OrderID: "order-7", Cents: 100})
	_ = broker.WaitIdle(ctx)
	// Output: handled order-7 on attempt 3
}
