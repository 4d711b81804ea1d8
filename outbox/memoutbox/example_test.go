package memoutbox_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
)

type Order struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

// Two service instances in one test: each has its relay (taking turns on
// one lease) and its DAO over one shared collection. A change written
// through either is published by the lease holder.
func ExampleNewWithCollection() {
	ctx := context.Background()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("orders", 1)
	sender, _ := memevents.NewSender(broker)

	lease := memoutbox.NewLease()
	orders := memoutbox.NewCollection[Order]()
	relayA, _ := memoutbox.NewRelayWithLease(sender, lease)
	relayB, _ := memoutbox.NewRelayWithLease(sender, lease)
	a, _ := memoutbox.NewWithCollection[Order, string](orders, relayA, "orders")
	b, _ := memoutbox.NewWithCollection[Order, string](orders, relayB, "orders")

	_ = a.Insert(ctx, Order{ID: "o1", Total: 10})
	_, _ = b.Update(ctx, Order{ID: "o1", Total: 12})
	got, _ := a.Get(ctx, "o1")
	fmt.Println("instance A reads", got.Total)

	n, _ := relayA.PublishPending(ctx)
	fmt.Println("relay A published", n)
	_, err := relayB.PublishPending(ctx)
	fmt.Println("relay B:", errors.Is(err, outbox.ErrLeaseHeld))
	for _, m := range broker.Messages("orders") {
		fmt.Println(m.Type, m.Key, string(m.Payload))
	}
	// Output:
	// instance A reads 12
	// relay A published 1
	// relay B: true
	// upserted o1 {"id":"o1","total":12}
}
