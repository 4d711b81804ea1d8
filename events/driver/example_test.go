package driver_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// printSender is a toy provider: its Send prints what it receives.
type printSender struct{}

func (printSender) Send(ctx context.Context, msgs []*driver.Message, errs []error) error {
	for i, m := range msgs {
		if m.Topic == "archive" {
			// A provider maps its transport's refusal to a sentinel.
			errs[i] = fmt.Errorf("%w: topic %q", driver.ErrTopicNotFound, m.Topic)
			continue
		}
		fmt.Printf("driver got: topic=%s key=%s type=%s payload=%s event id set: %v\n",
			m.Topic, m.Key, m.Type, m.Payload, m.EventID != "")
	}
	return nil
}

type OrderPlaced struct {
	ID string `json:"id"`
}

func (OrderPlaced) EventType() string { return "order_placed" }

// A provider implements the small erased Sender; the bridge
// events.NewPublisher wraps it into the typed events.Publisher services use.
// Encoding, event ids, correlation ids and validation happen in package
// events, before the driver is called: an invalid key never reaches it.
func ExampleSender() {
	ctx := hexkit.WithCorrelationID(context.Background(), hexkit.NewCorrelationID())
	pub, err := events.NewPublisher[OrderPlaced](printSender{}, "orders")
	if err != nil {
		panic(err)
	}

	err = pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1"})
	fmt.Println("publish:", err)

	err = pub.Publish(ctx, "bad\nkey", OrderPlaced{ID: "order-2"})
	fmt.Println("refused before the driver:", errors.Is(err, events.ErrInvalidMessage))

	// A Sender sends messages as they are; the driver's per-message
	// errors come back in a *events.BatchError.
	sender, _ := events.NewSender(printSender{})
	err = sender.Send(ctx, &events.Message{
		Topic: "archive", Key: "order-1", Type: "order_placed",
		EventID: events.NewEventID(), CorrelationID: hexkit.NewCorrelationID(),
		Payload: []byte(`{"id":"order-1"}`),
	})
	var batch *events.BatchError
	fmt.Println("topic not found:", errors.As(err, &batch), errors.Is(batch.Errs[0], events.ErrTopicNotFound))
	// Output:
	// driver got: topic=orders key=order-1 type=order_placed payload={"id":"order-1"} event id set: true
	// publish: <nil>
	// refused before the driver: true
	// topic not found: true true
}

// oneShot is a toy subscriber driver: Run delivers one message to the
// handler the portable layer gave it, then waits for ctx to end.
type oneShot struct{ cfg driver.SubscriberConfig }

func (s oneShot) Run(ctx context.Context) error {
	m := &driver.Message{
		Topic: s.cfg.Topics[0], Key: "order-1", Type: "order_placed",
		EventID: events.NewEventID(), CorrelationID: hexkit.NewCorrelationID(),
		Payload: []byte(`{"id":"order-1"}`),
	}
	if err := s.cfg.Handler.HandleMessage(ctx, m); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

func (oneShot) WaitIdle(ctx context.Context) error { return nil }
func (oneShot) Closed() bool                       { return false }
func (oneShot) As(target any) bool                 { return false }

// The bridge events.NewSubscriber checks the group, the handler and the
// options, takes the topics from the router, and only then calls the
// provider's open function with the checked configuration. The handler a
// driver calls decodes the payload and dispatches it to the typed handler.
func ExampleSubscriberConfig() {
	r := events.NewRouter()
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[OrderPlaced]) error {
		fmt.Println("handled", d.Event.ID, "with key", d.Key)
		return nil
	})
	open := func(cfg driver.SubscriberConfig) (driver.Subscriber, error) {
		fmt.Println("open:", cfg.Group, cfg.Topics, cfg.Backoff.Initial, cfg.Backoff.Max)
		return oneShot{cfg}, nil
	}

	_, err := events.NewSubscriber(open, "", r)
	fmt.Println("empty group refused before open:", errors.Is(err, events.ErrInvalidOption))

	sub, err := events.NewSubscriber(open, "shipping", r)
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println("run:", sub.Run(ctx))
	// Output:
	// empty group refused before open: true
	// open: shipping [orders] 100ms 10s
	// handled order-1 with key order-1
	// run: <nil>
}
