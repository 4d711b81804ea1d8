package memevents_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

type tick struct {
	Key string `json:"key"`
	Seq int    `json:"seq"`
}

func (tick) EventType() string { return "tick" }

func newBroker(t *testing.T, opts ...memevents.Option) *memevents.Broker {
	t.Helper()
	b, err := memevents.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// quiet is the options of a test subscriber: no log output, fast retries.
func quiet(opts ...events.SubscriberOption) []events.SubscriberOption {
	return append([]events.SubscriberOption{events.WithLogger(slog.New(slog.DiscardHandler)),
		events.WithRetryBackoff(time.Millisecond, 20*time.Millisecond)}, opts...)
}

// run starts s and returns a stop function that cancels it and returns
// Run's result.
func run(t *testing.T, s events.Subscriber) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() { cancel(); err = <-done })
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestOptionsAndSetupErrors(t *testing.T) {
	if _, err := memevents.New(memevents.WithClock(nil)); !errors.Is(err, memevents.ErrInvalidConfig) {
		t.Errorf("WithClock(nil) = %v, want ErrInvalidConfig", err)
	}
	// The range kafka.Open accepts for Config.MaxMessageSize.
	for _, n := range []int{0, 511, 100<<20 + 1} {
		if _, err := memevents.New(memevents.WithMaxMessageSize(n)); !errors.Is(err, memevents.ErrInvalidConfig) {
			t.Errorf("WithMaxMessageSize(%d) = %v, want ErrInvalidConfig", n, err)
		}
	}
	for _, n := range []int{512, 100 << 20} {
		if _, err := memevents.New(memevents.WithMaxMessageSize(n)); err != nil {
			t.Errorf("WithMaxMessageSize(%d) = %v, want nil", n, err)
		}
	}
	small := newBroker(t, memevents.WithMaxMessageSize(512))
	if err := small.CreateTopic("t", 1); err != nil {
		t.Fatal(err)
	}
	pub, _ := memevents.NewPublisher[tick](small, "t")
	if err := pub.Publish(context.Background(), "k", tick{Key: "k"}); err != nil {
		t.Errorf("Publish of a message under the limit = %v", err)
	}
	if err := pub.Publish(context.Background(), "k", tick{Key: strings.Repeat("k", 400)}); !errors.Is(err, events.ErrMessageTooLarge) {
		t.Errorf("Publish of a message over the limit = %v, want ErrMessageTooLarge", err)
	}
	b := newBroker(t)
	h := events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil })
	for name, opts := range map[string][]events.SubscriberOption{
		"no topics":          nil,
		"backoff max < init": {events.WithTopics("t"), events.WithRetryBackoff(time.Second, time.Millisecond)},
		"zero backoff":       {events.WithTopics("t"), events.WithRetryBackoff(0, time.Millisecond)},
		"non-ASCII topic":    {events.WithTopics("tö")},
	} {
		if _, err := memevents.NewSubscriber(b, "g", h, opts...); !errors.Is(err, memevents.ErrInvalidConfig) || !errors.Is(err, events.ErrInvalidOption) {
			t.Errorf("NewSubscriber with %s = %v, want ErrInvalidConfig and events.ErrInvalidOption", name, err)
		}
	}
	if _, err := memevents.NewSubscriber(b, "g", h, events.WithTopics("tö")); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("WithTopics(non-ASCII) = %v, want ErrInvalidMessage", err)
	}
	if _, err := memevents.NewSubscriber(b, "", h, events.WithTopics("t")); !errors.Is(err, memevents.ErrInvalidConfig) {
		t.Errorf("NewSubscriber with an empty group = %v, want ErrInvalidConfig", err)
	}
	if _, err := memevents.NewSubscriber(b, "g", nil, events.WithTopics("t")); !errors.Is(err, memevents.ErrInvalidConfig) {
		t.Errorf("NewSubscriber with a nil handler = %v, want ErrInvalidConfig", err)
	}
	if err := b.CreateTopic("", 1); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("CreateTopic(\"\") = %v, want ErrInvalidMessage", err)
	}
	if err := b.CreateTopic("t2", 2); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateTopic("t2", 2); !errors.Is(err, events.ErrTopicExists) {
		t.Errorf("second CreateTopic = %v, want ErrTopicExists", err)
	}
	if err := b.CreateTopic("a.b", 1); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateTopic("a_b", 1); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("CreateTopic(a_b) next to a.b = %v, want ErrInvalidMessage, as Kafka refuses colliding names", err)
	}
	if err := b.CreateTopic("with space", 1); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("CreateTopic(with space) = %v, want ErrInvalidMessage", err)
	}
	s, err := memevents.NewSubscriber(b, "g", h, events.WithTopics("t"))
	if err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Run(canceled); err != nil {
		t.Errorf("Run(canceled) = %v, want nil", err)
	}
	if err := s.Run(timeout(t)); !errors.Is(err, events.ErrClosed) {
		t.Errorf("second Run = %v, want ErrClosed", err)
	}
}

func TestSendStoresCopies(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := newBroker(t, memevents.WithClock(func() time.Time { return now }))
	if err := b.CreateTopic("t", 1); err != nil {
		t.Fatal(err)
	}
	snd, err := memevents.NewSender(b)
	if err != nil {
		t.Fatal(err)
	}
	m := &events.Message{Topic: "t", Key: "k", Type: "tick", EventID: events.NewEventID(), CorrelationID: hexkit.NewCorrelationID(),
		Headers: map[string]string{"h": "v"}, Payload: []byte(`{"seq":1}`)}
	err = snd.Send(context.Background(), m, nil)
	var be *events.BatchError
	if !errors.As(err, &be) || be.Errs[0] != nil || !errors.Is(be.Errs[1], events.ErrInvalidMessage) {
		t.Fatalf("Send(valid, nil) = %v, want a BatchError for the nil message only", err)
	}
	m.Headers["h"] = "changed"
	m.Payload[0] = 'X'
	got := b.Messages("t")
	if len(got) != 1 || got[0].Headers["h"] != "v" || string(got[0].Payload) != `{"seq":1}` || !got[0].Timestamp.Equal(now) {
		t.Fatalf("stored %+v; want a copy stamped %v", got, now)
	}
	got[0].Payload[0] = 'Y'
	if string(b.Messages("t")[0].Payload) != `{"seq":1}` {
		t.Error("Messages returned the stored message, not a copy")
	}
	if b.Messages("unknown") != nil {
		t.Error("Messages of an unknown topic is not nil")
	}
}

// reusingCodec encodes every event into the same buffer, as a codec that
// saves allocations might.
type reusingCodec struct {
	mu  sync.Mutex
	buf []byte
}

func (c *reusingCodec) Encode(e tick) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = fmt.Appendf(c.buf[:0], `{"key":%q,"seq":%d}`, e.Key, e.Seq)
	return c.buf, nil
}

func (c *reusingCodec) Decode(p []byte) (tick, error) { return events.JSONCodec[tick]().Decode(p) }

func TestPublishedPayloadsAreTheBrokers(t *testing.T) {
	b := newBroker(t)
	if err := b.CreateTopic("t", 1); err != nil {
		t.Fatal(err)
	}
	plain, _ := memevents.NewPublisher[tick](b, "t")
	reusing, _ := memevents.NewPublisher[tick](b, "t", events.WithCodec[tick](&reusingCodec{}))
	ctx := context.Background()
	for seq, p := range []events.Publisher[tick]{plain, reusing, reusing, plain} {
		if err := p.Publish(ctx, "k", tick{Key: "k", Seq: seq}, events.WithHeaders(map[string]string{"h": "v"})); err != nil {
			t.Fatal(err)
		}
	}
	batch := []events.Keyed[tick]{{Key: "k", Event: tick{Key: "k", Seq: 4}, Headers: map[string]string{"h": "v"}}}
	if err := reusing.PublishBatch(ctx, batch...); err != nil {
		t.Fatal(err)
	}
	batch[0].Headers["h"] = "changed"
	got := b.Messages("t")
	if len(got) != 5 {
		t.Fatalf("%d messages stored, want 5", len(got))
	}
	for seq, m := range got {
		want := fmt.Sprintf(`{"key":"k","seq":%d}`, seq)
		if string(m.Payload) != want || m.Headers["h"] != "v" {
			t.Errorf("message %d: payload %s, headers %v; want %s and h=v, unchanged by later publishes", seq, m.Payload, m.Headers, want)
		}
	}
}

func TestDeliveriesAreCopies(t *testing.T) {
	b := newBroker(t)
	if err := b.CreateTopic("t", 1); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string][]string{} // by group: payload and header h of each delivery
	attempts := 0
	for _, group := range []string{"a", "b"} {
		h := events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			mu.Lock()
			defer mu.Unlock()
			seen[group] = append(seen[group], string(m.Payload)+" h="+m.Headers["h"])
			m.Payload[0] = 'X' // a handler scribbling on its message
			m.Headers["h"] = "changed"
			if group == "a" && attempts == 0 {
				attempts++
				return errors.New("fail the first delivery")
			}
			return nil
		})
		s, err := memevents.NewSubscriber(b, group, h, quiet(events.WithTopics("t"))...)
		if err != nil {
			t.Fatal(err)
		}
		run(t, s)
	}
	pub, _ := memevents.NewPublisher[tick](b, "t")
	ctx := timeout(t)
	if err := pub.Publish(ctx, "k", tick{Key: "k"}, events.WithHeaders(map[string]string{"h": "v"})); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	want := `{"key":"k","seq":0} h=v`
	mu.Lock()
	defer mu.Unlock()
	if len(seen["a"]) != 2 || len(seen["b"]) != 1 {
		t.Fatalf("deliveries %v; want two to group a (one redelivery) and one to b", seen)
	}
	for group, got := range seen {
		for i, d := range got {
			if d != want {
				t.Errorf("group %s, delivery %d: %s; want %s: a handler changed what another delivery sees", group, i, d, want)
			}
		}
	}
	if got := b.Messages("t"); string(got[0].Payload) != `{"key":"k","seq":0}` || got[0].Headers["h"] != "v" {
		t.Errorf("stored %s %v; want the published message", got[0].Payload, got[0].Headers)
	}
}

func TestWaitIdleWaitsForCreatedSubscribers(t *testing.T) {
	b := newBroker(t)
	handled := 0
	r := events.NewRouter()
	events.Handle(r, "t", func(ctx context.Context, d events.Delivery[tick]) error {
		handled++
		return nil
	})
	if err := b.CreateTopic("t", 1); err != nil {
		t.Fatal(err)
	}
	s, err := memevents.NewSubscriber(b, "g", r, quiet()...)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := memevents.NewPublisher[tick](b, "t")
	if err := pub.Publish(context.Background(), "k", tick{}); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := b.WaitIdle(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitIdle before Run = %v, want the deadline: a created subscriber's group must count", err)
	}
	run(t, s)
	if err := b.WaitIdle(timeout(t)); err != nil {
		t.Fatal(err)
	}
	if handled != 1 {
		t.Errorf("handled %d events, want 1", handled)
	}
	if err := s.WaitIdle(timeout(t)); err != nil {
		t.Errorf("Subscriber.WaitIdle = %v", err)
	}
}

// TestRebalanceUnderChurn lets members join and leave while events flow:
// every event must be handled exactly once (no handler fails, and a
// partition moves only after its in-flight event was committed), in order
// per key, and never by two members at once.
func TestRebalanceUnderChurn(t *testing.T) {
	b := newBroker(t)
	if err := b.CreateTopic("churn", 4); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	active := map[string]bool{}
	last := map[string]int{}
	count := map[int]int{}
	handled := make(chan struct{}, 1000)
	newMember := func() events.Subscriber {
		r := events.NewRouter()
		events.Handle(r, "churn", func(ctx context.Context, d events.Delivery[tick]) error {
			mu.Lock()
			if active[d.Key] {
				t.Errorf("key %s handled by two members at once", d.Key)
			}
			active[d.Key] = true
			if prev, ok := last[d.Key]; ok && d.Event.Seq <= prev {
				t.Errorf("key %s: seq %d after %d", d.Key, d.Event.Seq, prev)
			}
			last[d.Key] = d.Event.Seq
			count[d.Event.Seq*100+int(d.Key[1]-'a')]++
			mu.Unlock()
			time.Sleep(50 * time.Microsecond) // widen the in-flight window
			mu.Lock()
			active[d.Key] = false
			mu.Unlock()
			handled <- struct{}{}
			return nil
		})
		s, err := memevents.NewSubscriber(b, "g", r, quiet()...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	pub, _ := memevents.NewPublisher[tick](b, "churn")
	ctx := timeout(t)
	publish := func(from, to int) {
		for seq := from; seq < to; seq++ {
			for k := range 8 {
				key := fmt.Sprintf("k%c", 'a'+k)
				if err := pub.Publish(ctx, key, tick{Key: key, Seq: seq}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	waitHandled := func(n int) {
		for range n {
			select {
			case <-handled:
			case <-ctx.Done():
				t.Fatal("events stopped flowing")
			}
		}
	}
	stop1 := run(t, newMember())
	publish(0, 50)
	waitHandled(40)
	stop2 := run(t, newMember())
	run(t, newMember())
	publish(50, 100)
	waitHandled(100)
	if err := stop1(); err != nil {
		t.Fatal(err)
	}
	run(t, newMember())
	publish(100, 150)
	waitHandled(100)
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(count) != 150*8 {
		t.Errorf("%d distinct events handled, want %d", len(count), 150*8)
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("event %d handled %d times, want once", k, n)
		}
	}
}
