package kafka_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// forEachBroker runs fn against the in-process broker and against the real
// Apache Kafka broker from HEXKIT_KAFKA_BROKERS.
func forEachBroker(t *testing.T, fn func(t *testing.T, b *kafkatest.Broker)) {
	t.Run("kfake", func(t *testing.T) {
		t.Parallel()
		fn(t, kafkatest.NewFake(t))
	})
	t.Run("kafka", func(t *testing.T) {
		t.Parallel()
		fn(t, kafkatest.Connect(t, testenv.KafkaBrokers(t)...))
	})
}

// testTimeout bounds every test's waiting: generous, for slow shared CI.
const testTimeout = 90 * time.Second

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func quietLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.Default()
	}
	return slog.New(slog.DiscardHandler)
}

// msg builds a valid message.
func msg(topic, key, typ string, payload string) *events.Message {
	return &events.Message{
		Topic: topic, Key: key, Type: typ,
		EventID: events.NewEventID(), CorrelationID: events.NewEventID(),
		Payload: []byte(payload),
	}
}

// collector is a handler that records every message it handles.
type collector struct {
	mu    sync.Mutex
	got   []*events.Message
	seen  map[string]int // event id -> deliveries
	wake  chan struct{}
	until func(*events.Message) error // optional per-message behaviour
}

func newCollector() *collector {
	return &collector{seen: map[string]int{}, wake: make(chan struct{}, 1)}
}

func (c *collector) HandleMessage(ctx context.Context, m *events.Message) error {
	c.mu.Lock()
	c.seen[m.EventID]++
	hook := c.until
	c.mu.Unlock()
	if hook != nil {
		if err := hook(m); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.got = append(c.got, m)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return nil
}

// wait blocks until cond holds on the handled messages, or fails t.
func (c *collector) wait(t *testing.T, ctx context.Context, what string, cond func(got []*events.Message) bool) []*events.Message {
	t.Helper()
	for {
		c.mu.Lock()
		got := append([]*events.Message(nil), c.got...)
		c.mu.Unlock()
		if cond(got) {
			return got
		}
		select {
		case <-c.wake:
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s: handled %d messages", what, len(got))
		}
	}
}

func (c *collector) waitN(t *testing.T, ctx context.Context, n int) []*events.Message {
	t.Helper()
	return c.wait(t, ctx, fmt.Sprintf("%d messages", n), func(got []*events.Message) bool { return len(got) >= n })
}

// startSubscriber runs a subscriber until the returned stop is called (or
// the test ends) and checks that Run returned nil.
func startSubscriber(t *testing.T, cfg kafka.Config, topics []string, h events.MessageHandler, opts ...kafka.SubscriberOption) (stop func()) {
	t.Helper()
	opts = append([]kafka.SubscriberOption{kafka.WithLogger(quietLogger()), kafka.WithRetryBackoff(10*time.Millisecond, 200*time.Millisecond)}, opts...)
	s, err := kafka.NewSubscriber(cfg, topics, h, opts...)
	if err != nil {
		t.Fatalf("NewSubscriber: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v, want nil after a graceful shutdown", err)
				}
			case <-time.After(testTimeout):
				t.Errorf("Run did not return within %v after cancel", testTimeout)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func send(t *testing.T, ctx context.Context, p events.Sender, msgs ...*events.Message) {
	t.Helper()
	if err := p.Send(ctx, msgs...); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func kafkatestAdmin(t *testing.T, b *kafkatest.Broker) *kadm.Client {
	t.Helper()
	return kadm.NewClient(b.Client())
}
