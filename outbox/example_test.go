package outbox_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
)

type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type OrderShipped struct {
	OrderID string `json:"order_id"`
}

func (OrderShipped) EventType() string { return "order_shipped" }

// An outbox DAO stores each change with its publication state; the relay
// publishes the latest state of each document: "upserted" with the full
// document, "deleted" with {}, keyed by the id. Here PublishPending runs
// the relay's work by hand; a service runs Relay.Run instead.
func ExampleDAO() {
	ctx := context.Background()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("users", 1)
	sender, _ := memevents.NewSender(broker)
	relay, _ := memoutbox.NewRelay(sender)
	users, _ := memoutbox.New[User, string](relay, "users")

	_ = users.Insert(ctx, User{ID: "u1", Name: "Ada"})
	_ = users.Insert(ctx, User{ID: "u2", Name: "Grace"})
	_, _ = users.Update(ctx, User{ID: "u1", Name: "Ada L."}) // u1's earlier state is never sent
	n, _ := users.PublishPending(ctx)
	fmt.Println("published", n)

	_ = users.Delete(ctx, "u2") // leaves a tombstone
	_, err := users.Get(ctx, "u2")
	fmt.Println("get deleted:", err)
	fmt.Println("insert deleted id:", users.Insert(ctx, User{ID: "u2"}))
	n, _ = users.PublishPending(ctx)
	fmt.Println("published", n)

	for _, m := range broker.Messages("users") {
		fmt.Println(m.Type, m.Key, string(m.Payload))
	}
	// Output:
	// published 2
	// get deleted: dao: not found: id "u2"
	// insert deleted id: dao: already exists: id "u2" (deleted; the id cannot be inserted again)
	// published 1
	// upserted u1 {"id":"u1","name":"Ada L."}
	// upserted u2 {"id":"u2","name":"Grace"}
	// deleted u2 {}
}

// Relay.Run publishes every write of its instance at once and polls for
// the rest; canceling its context stops it gracefully.
func ExampleRelay_Run() {
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("users", 1)
	sender, _ := memevents.NewSender(broker)
	relay, _ := memoutbox.NewRelay(sender, outbox.WithPollInterval(time.Second))
	users, _ := memoutbox.New[User, string](relay, "users")

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- relay.Run(ctx) }()

	_ = users.Insert(ctx, User{ID: "u1", Name: "Ada"})
	for len(broker.Messages("users")) == 0 { // the relay publishes in the background
		time.Sleep(time.Millisecond)
	}
	stop()
	fmt.Println("Run:", <-done)
	m := broker.Messages("users")[0]
	fmt.Println(m.Type, m.Key, string(m.Payload))
	// Output:
	// Run: <nil>
	// upserted u1 {"id":"u1","name":"Ada"}
}

// A service mirrors another service's outbox collection with typed
// handlers: Changed gets the full document, Deleted the id.
func ExampleHandleChanges() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("users", 1)

	// The other service: an outbox DAO and its relay.
	sender, _ := memevents.NewSender(broker)
	relay, _ := memoutbox.NewRelay(sender)
	users, _ := memoutbox.New[User, string](relay, "users")
	go relay.Run(ctx)

	// This service: a mirror kept by a subscriber.
	var mu sync.Mutex
	mirror := map[string]string{}
	r := events.NewRouter()
	outbox.HandleChanges[User, string](r, "users", outbox.ChangeFuncs[User, string]{
		OnChanged: func(ctx context.Context, id string, u User) error {
			mu.Lock()
			defer mu.Unlock()
			mirror[id] = u.Name
			return nil
		},
		OnDeleted: func(ctx context.Context, id string) error {
			mu.Lock()
			defer mu.Unlock()
			delete(mirror, id)
			return nil
		},
	})
	sub, _ := memevents.NewSubscriber(broker, "mirror", r)
	go sub.Run(ctx)

	_ = users.Insert(ctx, User{ID: "u1", Name: "Ada"})
	_ = users.Insert(ctx, User{ID: "u2", Name: "Grace"})
	_ = users.Delete(ctx, "u1")
	// The relay publishes in the background; for a deterministic example,
	// publish what it has not yet published and wait for the subscriber.
	_, _ = users.PublishPending(ctx)
	_ = broker.WaitIdle(ctx)

	mu.Lock()
	defer mu.Unlock()
	ids := make([]string, 0, len(mirror))
	for id := range mirror {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Println(id, mirror[id])
	}
	// Output: u2 Grace
}

// A persistent publisher stores each event before the relay sends it and
// keeps it: Republish sends the stored events again, in order, with their
// original ids.
func ExamplePersistentPublisher() {
	ctx := context.Background()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("shipments", 1)
	sender, _ := memevents.NewSender(broker)
	relay, _ := memoutbox.NewRelay(sender)
	store := memoutbox.NewEventStore()
	pub, _ := memoutbox.NewPersistentPublisher[OrderShipped](store, relay, "shipments")

	_ = pub.Publish(ctx, "o1", OrderShipped{OrderID: "o1"})
	_ = pub.Publish(ctx, "o2", OrderShipped{OrderID: "o2"})
	fmt.Println("sent before the relay ran:", len(broker.Messages("shipments")))
	n, _ := relay.PublishPending(ctx)
	fmt.Println("published", n)
	n, _ = pub.Republish(ctx)
	fmt.Println("republished", n)

	ms := broker.Messages("shipments")
	for _, m := range ms {
		fmt.Println(m.Type, m.Key, string(m.Payload))
	}
	fmt.Println("same ids:", ms[0].EventID == ms[2].EventID && ms[1].EventID == ms[3].EventID)
	// Output:
	// sent before the relay ran: 0
	// published 2
	// republished 2
	// order_shipped o1 {"order_id":"o1"}
	// order_shipped o2 {"order_id":"o2"}
	// order_shipped o1 {"order_id":"o1"}
	// order_shipped o2 {"order_id":"o2"}
	// same ids: true
}
