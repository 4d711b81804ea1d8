package kafkatest_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/outbox/outboxtest"
)

type orderPlaced struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

func (orderPlaced) EventType() string { return "order_placed" }

func brokers(t *testing.T, fn func(t *testing.T, b *kafkatest.Broker)) {
	t.Run("kfake", func(t *testing.T) {
		t.Parallel()
		fn(t, kafkatest.NewFake(t))
	})
	t.Run("kafka", func(t *testing.T) {
		t.Parallel()
		fn(t, kafkatest.Connect(t, testenv.KafkaBrokers(t)...))
	})
}

func TestExpectEvents(t *testing.T) {
	brokers(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		topic := b.Topic(t, "orders", 2)
		pub, err := kafka.NewPublisher[orderPlaced](b.Open(t, ""), topic)
		if err != nil {
			t.Fatal(err)
		}
		publish := func(key string, total int, headers map[string]string) {
			var opts []events.PublishOption
			if headers != nil {
				opts = append(opts, events.WithHeaders(headers))
			}
			if err := pub.Publish(ctx, key, orderPlaced{ID: key, Total: total}, opts...); err != nil {
				t.Fatal(err)
			}
		}
		publish("before", 0, nil) // not part of the expectation
		b.ExpectEvents(t, topic, func() {
			publish("o-1", 1, map[string]string{"tenant": "t1"})
			publish("o-2", 2, nil)
			publish("o-1", 3, nil)
		},
			kafkatest.Event("o-1", orderPlaced{ID: "o-1", Total: 1}),
			kafkatest.Expected{Type: "order_placed", Key: "o-2", Payload: `{"total": 2, "id": "o-2"}`},
			kafkatest.Event("o-1", orderPlaced{ID: "o-1", Total: 3}),
		)

		// A mismatch fails with a diff that names the difference.
		rec := &recordingTB{TB: t}
		b.ExpectEvents(rec, topic, func() { publish("o-3", 3, nil) }, kafkatest.Event("o-3", orderPlaced{ID: "o-3", Total: 4}))
		if !rec.failed || !strings.Contains(rec.msg, "total") {
			t.Errorf("ExpectEvents with a wrong total: failed=%v, message %q; want a failure with a diff", rec.failed, rec.msg)
		}

		// Headers are compared when the expectation names them.
		rec = &recordingTB{TB: t}
		b.ExpectEvents(rec, topic, func() { publish("o-4", 4, map[string]string{"tenant": "t2"}) },
			kafkatest.Expected{Type: "order_placed", Key: "o-4", Payload: orderPlaced{ID: "o-4", Total: 4},
				Headers: map[string]string{"tenant": "t1"}})
		if !rec.failed || !strings.Contains(rec.msg, "t2") {
			t.Errorf("ExpectEvents with a wrong header: failed=%v, message %q", rec.failed, rec.msg)
		}

		// An expectation without headers does not compare them, even when
		// another expectation of the same call does.
		b.ExpectEvents(t, topic, func() {
			publish("o-6", 6, map[string]string{"tenant": "t6"})
			publish("o-7", 7, map[string]string{"tenant": "t7"})
		},
			kafkatest.Expected{Type: "order_placed", Key: "o-6", Payload: orderPlaced{ID: "o-6", Total: 6},
				Headers: map[string]string{"tenant": "t6"}},
			kafkatest.Event("o-7", orderPlaced{ID: "o-7", Total: 7}),
		)

		// Nothing expected, nothing published: passes; something published: fails.
		b.ExpectEvents(t, topic, func() {})
		rec = &recordingTB{TB: t}
		b.ExpectEvents(rec, topic, func() { publish("o-5", 5, nil) })
		if !rec.failed {
			t.Error("ExpectEvents with no expectation passed although an event was published")
		}
	})
}

func TestClearTopic(t *testing.T) {
	brokers(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		topic := b.Topic(t, "clear", 1)
		pub, err := kafka.NewPublisher[orderPlaced](b.Open(t, ""), topic)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := pub.Publish(ctx, fmt.Sprint(i), orderPlaced{}); err != nil {
				t.Fatal(err)
			}
		}
		b.ClearTopic(t, topic)
		starts, err := kadm.NewClient(b.Client()).ListStartOffsets(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		if o, ok := starts.Lookup(topic, 0); !ok || o.Offset != 3 {
			t.Fatalf("log start offset after ClearTopic = %+v, want 3 (all records deleted)", o)
		}
	})
}

// TestTopicNames: Topic keeps a valid prefix as it is at the start of the
// name, and refuses an invalid one, on either broker.
func TestTopicNames(t *testing.T) {
	brokers(t, func(t *testing.T, b *kafkatest.Broker) {
		for _, prefix := range []string{"orders", "Orders", "orders_v2", "order.v1", strings.Repeat("p", 150)} {
			name := b.Topic(t, prefix, 1)
			if !strings.HasPrefix(name, prefix+"-") || events.ValidateTopic(name) != nil {
				t.Errorf("Topic(%q) = %q, want a valid name starting with %q", prefix, name, prefix+"-")
			}
		}
		if name := b.Topic(t, "", 1); !strings.HasPrefix(name, "testtopicnames-") {
			t.Errorf("Topic(\"\") = %q, want a name starting with the test's name", name)
		}
		for _, prefix := range []string{"é", "a b", strings.Repeat("p", 240)} {
			rec := &recordingTB{TB: t}
			done := make(chan struct{})
			go func() { // Fatalf ends this goroutine
				defer close(done)
				b.Topic(rec, prefix, 1)
			}()
			<-done
			if !rec.failed || !strings.Contains(rec.msg, "prefix") {
				t.Errorf("Topic(%.20q...) failed=%v, message %q; want the test failed over the prefix", prefix, rec.failed, rec.msg)
			}
		}
	})
}

// TestSubtestTopic: the test's part of a name is as Topic's doc
// says, for the doc's examples.
func TestSubtestTopic(t *testing.T) {
	b := kafkatest.NewFake(t)
	for sub, want := range map[string]string{
		"Mixed_Case.And--Stuff__": "prefix-testsubtesttopic-mixed-case-and-stuff-",
		"ééé":                     "prefix-testsubtesttopic-",
	} {
		t.Run(sub, func(t *testing.T) {
			got := b.Topic(t, "prefix", 1)
			if len(got) != len(want)+12 || !strings.HasPrefix(got, want) {
				t.Errorf("Topic in subtest %q = %q, want %q and 12 hex digits", sub, got, want)
			}
		})
	}
}

// TestSASLOnPlaintext: a client with SASL credentials on a broker that
// does not speak SASL fails at once with events.ErrUnauthorized, on the
// in-process broker as on Kafka's plaintext listener.
func TestSASLOnPlaintext(t *testing.T) {
	brokers(t, func(t *testing.T, b *kafkatest.Broker) {
		for _, mech := range []string{kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512} {
			cfg := b.Config("")
			cfg.SASL = &kafka.SASL{Mechanism: mech, Username: "u", Password: hexkit.NewSecret("p")}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			start := time.Now()
			c, err := kafka.Open(ctx, cfg)
			if err == nil {
				_ = c.Close(ctx)
			}
			cancel()
			if !errors.Is(err, events.ErrUnauthorized) {
				t.Errorf("%s: Open = %v after %v, want events.ErrUnauthorized at once", mech, err, time.Since(start))
			}
		}
	})
}

// recordingTB records Errorf and Fatalf instead of failing the test;
// Fatalf ends the calling goroutine, as testing's does.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	msg    string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msg += fmt.Sprintf(format, args...)
}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// TestOutboxBroker runs the outbox conformance suite with in-memory stores
// and relays publishing to Kafka: a *kafkatest.Broker is an
// outboxtest.Broker, and the relay keeps its promises on Kafka.
func TestOutboxBroker(t *testing.T) {
	var _ outboxtest.Broker = (*kafkatest.Broker)(nil)
	brokers(t, func(t *testing.T, b *kafkatest.Broker) {
		outboxtest.Run(t, func(t *testing.T) outboxtest.Harness { return outboxtest.NewMemHarness(t, b) })
	})
}
