package memevents_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/events/memevents"
)

// harness runs the conformance suite on a fresh broker.
type harness struct {
	b *memevents.Broker
	s events.Sender
}

var (
	_ eventstest.Harness   = (*harness)(nil)
	_ eventstest.RawSender = (*harness)(nil)
)

func (h *harness) Sender() events.Sender { return h.s }

func (h *harness) CreateTopic(_ context.Context, topic string, partitions int) error {
	return h.b.CreateTopic(topic, partitions)
}

func (h *harness) NewSubscriber(group string, mh events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error) {
	return memevents.NewSubscriber(h.b, group, mh, opts...)
}

func (h *harness) SendRaw(ctx context.Context, msgs ...*events.Message) error {
	return h.b.SendRaw(ctx, msgs...)
}

func (h *harness) Close() error { return h.b.Close() }

func newHarness(t *testing.T) eventstest.Harness {
	b, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := memevents.NewSender(b)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{b: b, s: s}
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
	h := events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil })
	s, err := memevents.NewSubscriber(b, "g", h, events.WithTopics("t"))
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
	if err := s.WaitIdle(context.Background()); !errors.Is(err, events.ErrClosed) {
		t.Errorf("Subscriber.WaitIdle after Close = %v, want ErrClosed", err)
	}
	if _, err := memevents.NewSubscriber(b, "g", h, events.WithTopics("t")); !errors.Is(err, events.ErrClosed) {
		t.Errorf("NewSubscriber after Close = %v, want ErrClosed", err)
	}
}
