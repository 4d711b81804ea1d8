package events_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

// UserRegistered is a typed event: its zero value names its type.
type UserRegistered struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
}

func (UserRegistered) EventType() string { return "user_registered" }

// Publish typed events and handle them with a router, here over the
// in-memory broker; on Kafka only the constructors change
// (kafka.NewPublisher, kafka.NewSubscriber).
func Example() {
	ctx := context.Background()
	broker, _ := memevents.New()
	defer broker.Close()
	_ = broker.CreateTopic("users", 1)

	r := events.NewRouter()
	events.Handle(r, "users", func(ctx context.Context, d events.Delivery[UserRegistered]) error {
		cid, _ := hexkit.CorrelationID(ctx)
		fmt.Printf("welcome %s (key %s, type %s, same correlation id: %v)\n",
			d.Event.Email, d.Key, d.Type, cid == d.CorrelationID)
		return nil
	})
	sub, _ := memevents.NewSubscriber(broker, "mailer", r)
	subCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- sub.Run(subCtx) }()

	pub, err := memevents.NewPublisher[UserRegistered](broker, "users")
	if err != nil {
		panic(err)
	}
	ctx = hexkit.WithCorrelationID(ctx, hexkit.NewCorrelationID())
	if err := pub.Publish(ctx, "u-1", UserRegistered{UserID: "u-1", Email: "ada@example.org"}); err != nil {
		panic(err)
	}
	_ = sub.WaitIdle(ctx) // every event published so far is handled
	stop()
	fmt.Println("subscriber stopped:", <-done)
	// Output:
	// welcome ada@example.org (key u-1, type user_registered, same correlation id: true)
	// subscriber stopped: <nil>
}

// Invalid input is refused before anything is sent, with typed errors.
func ExamplePublisher_Publish_invalid() {
	broker, _ := memevents.New()
	_ = broker.CreateTopic("users", 1)
	pub, _ := memevents.NewPublisher[UserRegistered](broker, "users")

	err := pub.Publish(context.Background(), "schlüssel", UserRegistered{})
	var ve *events.ValidationError
	fmt.Println(errors.Is(err, events.ErrInvalidMessage), errors.As(err, &ve) && ve.Field == "key")
	fmt.Println("stored:", len(broker.Messages("users")))
	// Output:
	// true true
	// stored: 0
}

// PublishBatch sends many events in one call and reports per event.
func ExamplePublisher_PublishBatch() {
	broker, _ := memevents.New()
	_ = broker.CreateTopic("users", 1)
	pub, _ := memevents.NewPublisher[UserRegistered](broker, "users")

	err := pub.PublishBatch(context.Background(),
		events.Keyed[UserRegistered]{Key: "u-1", Event: UserRegistered{UserID: "u-1"}},
		events.Keyed[UserRegistered]{Key: "u-2", Event: UserRegistered{UserID: "u-2"}, Headers: map[string]string{"source": "import"}},
		events.Keyed[UserRegistered]{Key: "u-3 ✗", Event: UserRegistered{UserID: "u-3"}},
	)
	var be *events.BatchError
	if errors.As(err, &be) {
		for i, err := range be.Errs {
			fmt.Printf("event %d: ok=%v\n", i, err == nil)
		}
	}
	fmt.Println("stored:", len(broker.Messages("users")))
	// Output:
	// event 0: ok=true
	// event 1: ok=true
	// event 2: ok=false
	// stored: 2
}

// A payload that does not decode is refused with a typed error, so the
// subscriber does not acknowledge it.
func ExampleRouter_HandleMessage_malformed() {
	r := events.NewRouter()
	events.Handle(r, "users", func(ctx context.Context, d events.Delivery[UserRegistered]) error { return nil })
	err := r.HandleMessage(context.Background(), &events.Message{
		Topic: "users", Key: "u-1", Type: "user_registered", EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`["not", "an", "object"]`),
	})
	fmt.Println(errors.Is(err, events.ErrMalformedPayload))
	// Output: true
}

// Middleware wraps the router's dispatch: here it logs failures. Retries
// and dead letters are not middleware: see FailureHandler.
func ExampleWithMiddleware() {
	logFailures := func(next events.MessageHandler) events.MessageHandler {
		return events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			err := next.HandleMessage(ctx, m)
			if err != nil {
				cid, _ := hexkit.CorrelationID(ctx)
				fmt.Printf("%s %s failed (correlation id in ctx: %v): %v\n", m.Topic, m.Type, cid == m.CorrelationID, err)
			}
			return err
		})
	}
	r := events.NewRouter(events.WithMiddleware(logFailures))
	events.Handle(r, "users", func(ctx context.Context, d events.Delivery[UserRegistered]) error {
		return errors.New("mail server down")
	})
	_ = r.HandleMessage(context.Background(), &events.Message{
		Topic: "users", Key: "u-1", Type: "user_registered", EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{"user_id":"u-1"}`),
	})
	// Output: users user_registered failed (correlation id in ctx: true): mail server down
}

// WithUnknownType replaces the default policy (acknowledge and skip) for
// events that have no handler.
func ExampleWithUnknownType() {
	r := events.NewRouter(events.WithUnknownType(func(ctx context.Context, m *events.Message) error {
		fmt.Printf("no handler for %q on %q\n", m.Type, m.Topic)
		return nil // acknowledge
	}))
	events.Handle(r, "users", func(ctx context.Context, d events.Delivery[UserRegistered]) error { return nil })
	_ = r.HandleMessage(context.Background(), &events.Message{
		Topic: "users", Key: "u-1", Type: "user_deleted", EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: []byte(`{}`),
	})
	fmt.Println(r.Topics())
	// Output:
	// no handler for "user_deleted" on "users"
	// [users]
}

// Decode reads published messages back as typed deliveries, here to check
// what a unit under test published.
func ExampleDecode() {
	broker, _ := memevents.New()
	_ = broker.CreateTopic("users", 1)
	pub, _ := memevents.NewPublisher[UserRegistered](broker, "users")
	_ = pub.Publish(context.Background(), "u-1", UserRegistered{UserID: "u-1", Email: "ada@example.org"})

	for _, m := range broker.Messages("users") {
		d, err := events.Decode[UserRegistered](m)
		fmt.Println(d.Key, d.Event.Email, err)
	}
	_, err := events.Decode[UserRegistered](&events.Message{Type: "user_deleted"})
	fmt.Println(err != nil)
	// Output:
	// u-1 ada@example.org <nil>
	// true
}

// Every provider returns the same Subscriber and takes the same options;
// topics come from the router.
func ExampleSubscriber() {
	broker, _ := memevents.New()
	defer broker.Close()
	r := events.NewRouter()
	events.Handle(r, "users", func(ctx context.Context, d events.Delivery[UserRegistered]) error { return nil })

	var sub events.Subscriber
	sub, err := memevents.NewSubscriber(broker, "mailer", r, events.WithRetryBackoff(50*time.Millisecond, 5*time.Second))
	fmt.Println(sub != nil, err)

	_, err = memevents.NewSubscriber(broker, "mailer", r, events.WithRetryBackoff(0, time.Second))
	fmt.Println(errors.Is(err, events.ErrInvalidOption))
	// Output:
	// true <nil>
	// true
}

// An event type must name itself on a value receiver: a pointer type is
// refused when the publisher is built.
func ExampleEvent_pointerReceiver() {
	broker, _ := memevents.New()
	_, err := memevents.NewPublisher[*pointerEvent](broker, "users")
	var ve *events.ValidationError
	fmt.Println(errors.Is(err, events.ErrInvalidMessage), errors.As(err, &ve) && ve.Field == "type")
	// Output: true true
}

type pointerEvent struct{}

func (*pointerEvent) EventType() string { return "pointer_event" }
