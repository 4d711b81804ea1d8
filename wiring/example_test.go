package wiring_test

import (
	"context"
	"fmt"
	"os"

	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/wiring"
)

type OrderPlaced struct {
	ID string `json:"id"`
}

func (OrderPlaced) EventType() string { return "order_placed" }

type Order struct {
	ID   string `json:"id"`
	Item string `json:"item"`
}

// ServiceConfig embeds the sections; their keys sit at the top level.
type ServiceConfig struct {
	wiring.Service
	wiring.Events
	wiring.DAO
	Topic string
}

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "wiring-example")
	defer os.RemoveAll(dir)
	// Nothing configured: every backend is memory. SHOP_EVENTS_BACKEND=kafka
	// with SHOP_KAFKA_SERVERS, and SHOP_DAO_BACKEND=mongo with SHOP_MONGO_DSN
	// and SHOP_DB_NAME, would move the same code to the servers.
	cfg, err := config.Load("shop", ServiceConfig{Service: wiring.DefaultService("shop"), Topic: "orders"},
		config.WithEnviron(nil), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	if err != nil {
		panic(err)
	}
	b, err := wiring.Open(ctx, cfg.Service, wiring.WithEvents(cfg.Events), wiring.WithDAO(cfg.DAO))
	if err != nil {
		panic(err)
	}
	defer b.Close(ctx)

	orders, _ := wiring.NewDAO[Order, string](ctx, b.DB, "orders")
	_ = orders.Insert(ctx, Order{ID: "o1", Item: "book"})

	_ = b.Events.EnsureTopics(ctx, false, 3, cfg.Topic) // the memory broker starts empty
	r := events.NewRouter()
	events.Handle(r, cfg.Topic, func(ctx context.Context, d events.Delivery[OrderPlaced]) error {
		o, err := orders.Get(ctx, d.Event.ID)
		fmt.Println("placed:", o.Item, err)
		return nil
	})
	sub, _ := b.Events.NewSubscriber(cfg.ServiceName, r)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- sub.Run(runCtx) }()

	pub, _ := wiring.NewPublisher[OrderPlaced](b.Events, cfg.Topic)
	_ = pub.Publish(ctx, "o1", OrderPlaced{ID: "o1"})
	_ = sub.WaitIdle(ctx)
	stop()
	fmt.Println(<-done, b.Events.Backend(), b.DB.Backend())
	// Output:
	// placed: book <nil>
	// <nil> memory memory
}
