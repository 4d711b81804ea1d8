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

// open opens a client from cfg, closed when the test ends.
func open(t *testing.T, cfg kafka.Config, opts ...kafka.Option) *kafka.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, err := kafka.Open(ctx, cfg, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		_ = c.Close(ctx)
	})
	return c
}

// sender opens a client from cfg and returns its events.Sender.
func sender(t *testing.T, cfg kafka.Config) events.Sender {
	t.Helper()
	s, err := kafka.NewSender(open(t, cfg))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startSubscriber runs a subscriber of the group cfg.ServiceName on a
// client of its own until the returned stop is called (or the test ends)
// and checks that Run returned nil. opts are kafka.Options (for the
// client) and events.SubscriberOptions.
func startSubscriber(t *testing.T, cfg kafka.Config, topics []string, h events.MessageHandler, opts ...any) (stop func()) {
	t.Helper()
	var kopts []kafka.Option
	sopts := []events.SubscriberOption{events.WithLogger(quietLogger()), events.WithRetryBackoff(10*time.Millisecond, 200*time.Millisecond),
		events.WithTopics(topics...)}
	for _, o := range opts {
		switch o := o.(type) {
		case kafka.Option:
			kopts = append(kopts, o)
		case events.SubscriberOption:
			sopts = append(sopts, o)
		default:
			t.Fatalf("startSubscriber: option %T", o)
		}
	}
	s, err := kafka.NewSubscriber(open(t, cfg, kopts...), cfg.ServiceName, h, sopts...)
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
