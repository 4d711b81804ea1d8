package kafka_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestCloseHonoursContext closes a client while a subscriber's handler
// ignores its context: Close stops waiting for the drain when its ctx
// ends and returns ctx's error; Run returns events.ErrClosed once the
// handler does.
func TestCloseHonoursContext(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "close", 1)
		c := open(t, b.Config(topic+"-svc"))
		entered, release := make(chan struct{}), make(chan struct{})
		defer func() {
			select {
			case <-release:
			default:
				close(release)
			}
		}()
		h := events.MessageHandlerFunc(func(context.Context, *events.Message) error {
			close(entered)
			<-release // ignores its context
			return nil
		})
		s, err := kafka.NewSubscriber(c, topic+"-svc", h, events.WithTopics(topic), events.WithLogger(quietLogger()))
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(context.Background()) }()
		send(t, ctx, b.Sender(t), msg(topic, "k", "t", `{}`))
		select {
		case <-entered:
		case <-ctx.Done():
			t.Fatal("the handler was not called")
		}
		cctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := c.Close(cctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Close while a handler ignores its context = %v, want context.DeadlineExceeded once its ctx ended", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Close returned after %v: it must stop waiting when its ctx ends (300ms)", d)
		}
		close(release)
		select {
		case err := <-done:
			if !errors.Is(err, events.ErrClosed) {
				t.Errorf("Run after Close = %v, want events.ErrClosed", err)
			}
		case <-ctx.Done():
			t.Fatal("Run did not return after the handler did")
		}
	})
}
