package mongo_test

import (
	"context"
	"fmt"
	"os"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// OrderShipped is an event of a persistent publisher.
type OrderShipped struct {
	Order string `json:"order"`
}

func (OrderShipped) EventType() string { return "order_shipped" }

// An outbox DAO and a persistent publisher on MongoDB, published by one
// relay (here to an in-memory broker; kafka.NewSender in a service). Not
// run as a test: it needs a server.
func ExampleNewOutboxDAO() {
	ctx := context.Background()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(os.Getenv("HEXKIT_MONGO_URI")), Database: "shop"})
	if err != nil {
		panic(err)
	}
	defer db.Close(ctx)
	broker, _ := memevents.New()
	_ = broker.CreateTopic("users", 1)
	_ = broker.CreateTopic("shipping", 1)
	sender, _ := memevents.NewSender(broker)

	relay, err := mongo.NewRelay(db, sender, outbox.WithLeaseName("shop"))
	if err != nil {
		panic(err)
	}
	users, err := mongo.NewOutboxDAO[User, string](ctx, db, "users", relay, "users")
	if err != nil {
		panic(err)
	}
	shipped, err := mongo.NewPersistentPublisher[OrderShipped](ctx, db, "shopPersistedEvents", relay, "shipping")
	if err != nil {
		panic(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- relay.Run(runCtx) }()

	// Stored with its publication state in one write; the relay publishes.
	_ = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org", Name: "Ada"})
	_ = shipped.Publish(ctx, "o-1", OrderShipped{Order: "o-1"})

	stop()
	fmt.Println(<-done)
}
