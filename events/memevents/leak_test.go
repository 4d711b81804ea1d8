package memevents_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

// TestNoGoroutineLeak runs subscribers (one of them blocked in a handler
// and one failing) and checks that Close leaves no goroutine behind.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	b, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CreateTopic("t", 3); err != nil {
		t.Fatal(err)
	}
	entered := make(chan struct{}, 1)
	blocking := events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ctx.Done()
		return ctx.Err()
	})
	failing := events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error { return context.DeadlineExceeded })
	done := make(chan error, 3)
	for i, h := range []events.MessageHandler{blocking, failing, failing} {
		s, err := memevents.NewSubscriber(b, []string{"a", "b", "b"}[i], h, quiet(events.WithTopics("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		go func() { done <- s.Run(context.Background()) }()
	}
	pub, _ := memevents.NewPublisher[tick](b, "t")
	for i := range 10 {
		if err := pub.Publish(context.Background(), string(rune('a'+i)), tick{Seq: i}); err != nil {
			t.Fatal(err)
		}
	}
	<-entered
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		<-done
	}
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond) // polling the goroutine count, which has no notification
	}
}
