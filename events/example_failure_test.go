package events_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

// A FailureHandler in front of the router retries failing events and then
// moves them to the dead letter queue, with why and where they failed; a
// DLQ consumer sees everything, and RetryMessage sends a fixed event back.
func ExampleFailureHandler() {
	ctx := context.Background()
	broker, _ := memevents.New()
	defer broker.Close()
	for _, topic := range []string{"users", "retry-mailer", events.DefaultDLQTopic} {
		_ = broker.CreateTopic(topic, 1)
	}
	sender, _ := memevents.NewSender(broker)

	r := events.NewRouter()
	events.Handle(r, "users", func(ctx context.Context, d events.Delivery[UserRegistered]) error {
		if d.Event.Email == "" {
			fmt.Printf("attempt %d: no email\n", events.Attempt(ctx))
			return errors.New("no email address")
		}
		fmt.Printf("welcome %s (topic %s)\n", d.Event.Email, d.Topic)
		return nil
	})
	fh, err := events.NewFailureHandler(r, "mailer",
		events.WithAttempts(3),
		events.WithBackoff(time.Millisecond, 10*time.Millisecond, 0.2),
		events.WithDLQ(sender), // the DLQ topic is "dlq" by default
		events.WithFailureLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	fmt.Println("consumes:", fh.Topics())
	sub, _ := memevents.NewSubscriber(broker, "mailer", fh) // fh in place of the router
	dead := make(chan events.DeadLetter, 1)
	dlqSub, _ := memevents.NewSubscriber(broker, "dlq-reader", events.HandleDeadLetters(
		func(ctx context.Context, d events.DeadLetter, parseErr error) error {
			dead <- d
			return parseErr
		}), events.WithTopics(events.DefaultDLQTopic))
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = sub.Run(runCtx) }()
	go func() { _ = dlqSub.Run(runCtx) }()

	pub, _ := memevents.NewPublisher[UserRegistered](broker, "users")
	_ = pub.Publish(ctx, "u-1", UserRegistered{UserID: "u-1"})
	d := <-dead
	fmt.Printf("dead letter: type %s key %s from %s by %s: %s (%s)\n",
		d.Type, d.Key, d.OriginalTopic, d.Service, d.ExcMsg, d.ExcClass)

	// Fixed: back through the service's retry topic, with a corrected payload.
	_ = sender.Send(ctx, events.RetryMessage(d, []byte(`{"user_id":"u-1","email":"ada@example.org"}`)))
	_ = sub.WaitIdle(ctx)
	// Output:
	// consumes: [retry-mailer users]
	// attempt 1: no email
	// attempt 2: no email
	// attempt 3: no email
	// dead letter: type user_registered key u-1 from users by mailer: no email address (*errors.errorString)
	// welcome ada@example.org (topic users)
}
