package driver_test

import (
	"context"
	"errors"
	"fmt"

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
