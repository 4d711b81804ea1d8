package memevents_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/events/memevents"
)

type harness struct {
	b *memevents.Broker
}

func (h *harness) Sender() events.Sender { return h.b }

func (h *harness) CreateTopic(_ context.Context, topic string, partitions int) error {
	return h.b.CreateTopic(topic, partitions)
}

func (h *harness) StartSubscriber(ctx context.Context, group string, topics []string, mh events.MessageHandler) (func() error, error) {
	s, err := h.b.NewSubscriber(group, mh, memevents.WithTopics(topics...), memevents.WithRetryBackoff(time.Millisecond, 20*time.Millisecond))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	var runErr error
	return func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}, nil
}

func (h *harness) SendRaw(ctx context.Context, msgs ...*events.Message) error {
	return h.b.SendRaw(ctx, msgs...)
}

func (h *harness) Close() error { return h.b.Close() }

func newHarness(t *testing.T) eventstest.Harness {
	b, err := memevents.New(memevents.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	return &harness{b: b}
}

func TestConformance(t *testing.T) {
	eventstest.Run(t, newHarness, eventstest.Features{RawSend: true})
}

// TestCloseStopsSubscribers checks what the suite cannot: Close ends the
// running subscribers with ErrClosed.
func TestCloseStopsSubscribers(t *testing.T) {
	b, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.NewSubscriber("g", events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil }), memevents.WithTopics("t"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	if err := b.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := <-done; !errors.Is(err, events.ErrClosed) {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
	if err := b.WaitIdle(context.Background()); !errors.Is(err, events.ErrClosed) {
		t.Errorf("WaitIdle after Close = %v, want ErrClosed", err)
	}
	if _, err := b.NewSubscriber("g", events.MessageHandlerFunc(nil), memevents.WithTopics("t")); err == nil {
		t.Error("NewSubscriber after Close succeeded")
	}
}
