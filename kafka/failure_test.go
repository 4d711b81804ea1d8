package kafka_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// failHarness runs the events failure-handling suite on the Kafka
// provider: the suite's FailureHandler sits in front of a kafka.Subscriber
// and dead-letters through a kafka.Publisher.
type failHarness struct {
	t    *testing.T
	b    *kafkatest.Broker
	pub  *kafka.Publisher
	once sync.Once
}

var _ eventstest.RawSender = (*failHarness)(nil)

func newFailHarness(t *testing.T, b *kafkatest.Broker) *failHarness {
	pub, err := kafka.NewPublisher(b.Config(""))
	if err != nil {
		t.Fatalf("NewPublisher: %v", err)
	}
	return &failHarness{t: t, b: b, pub: pub}
}

func (h *failHarness) Sender() events.Sender { return h.pub }

func (h *failHarness) CreateTopic(_ context.Context, topic string, partitions int) error {
	h.b.CreateTopic(h.t, topic, partitions)
	return nil
}

func (h *failHarness) StartSubscriber(ctx context.Context, group string, topics []string, mh events.MessageHandler) (func() error, error) {
	s, err := kafka.NewSubscriber(h.b.Config(group), topics, mh,
		kafka.WithLogger(quietLogger()), kafka.WithRetryBackoff(5*time.Millisecond, 100*time.Millisecond))
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

// SendRaw produces msgs as records without validation, leaving out the
// reserved headers whose value is empty, as a foreign producer might.
func (h *failHarness) SendRaw(ctx context.Context, msgs ...*events.Message) error {
	recs := make([]*kgo.Record, 0, len(msgs))
	for _, m := range msgs {
		r := &kgo.Record{Topic: m.Topic, Key: []byte(m.Key), Value: m.Payload}
		for _, kv := range [][2]string{{events.HeaderType, m.Type}, {events.HeaderEventID, m.EventID}, {events.HeaderCorrelationID, m.CorrelationID}} {
			if kv[1] != "" {
				r.Headers = append(r.Headers, kgo.RecordHeader{Key: kv[0], Value: []byte(kv[1])})
			}
		}
		for k, v := range m.Headers {
			r.Headers = append(r.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
		}
		recs = append(recs, r)
	}
	return h.b.Client().ProduceSync(ctx, recs...).FirstErr()
}

func (h *failHarness) Close() error {
	var err error
	h.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		err = h.pub.Close(ctx)
	})
	return err
}

// TestFailureHandling runs the failure-handling suite (retries, dead
// letters, retry topic, poison messages) on the in-process broker and on
// the real Apache Kafka broker.
func TestFailureHandling(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		eventstest.RunFailure(t, func(t *testing.T) eventstest.Harness {
			return newFailHarness(t, b)
		}, eventstest.Features{RawSend: true})
	})
}

// TestUndecodableRecordDeadLettered: a record the provider cannot decode
// (the type header twice) reaches the FailureHandler as poison and goes to
// the DLQ instead of being retried forever; the partition flows on.
func TestUndecodableRecordDeadLettered(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "undecodable", 1)
		dlq := b.Topic(t, "undecodable-dlq", 1)
		service := topic + "-svc"
		b.CreateTopic(t, events.RetryTopic(service), 1)
		got := newCollector()
		fh, err := events.NewFailureHandler(got, service, events.WithDLQ(b.Publisher(t)), events.WithDLQTopic(dlq),
			events.WithFailureLogger(quietLogger()))
		if err != nil {
			t.Fatal(err)
		}
		startSubscriber(t, b.Config(service), []string{topic}, fh)
		dead := newCollector()
		startSubscriber(t, b.Config(dlq+"-reader"), []string{dlq}, dead)
		id := events.NewEventID()
		bad := &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte(`{}`), Headers: []kgo.RecordHeader{
			{Key: events.HeaderType, Value: []byte("a")}, {Key: events.HeaderType, Value: []byte("b")},
			{Key: events.HeaderEventID, Value: []byte(id)}, {Key: events.HeaderCorrelationID, Value: []byte(events.NewEventID())},
		}}
		if err := b.Client().ProduceSync(ctx, bad).FirstErr(); err != nil {
			t.Fatal(err)
		}
		good := msg(topic, "k", "t", `{}`)
		send(t, ctx, b.Publisher(t), good)
		if m := got.waitN(t, ctx, 1)[0]; m.EventID != good.EventID {
			t.Errorf("handled %s, want the good event after the undecodable one", m.EventID)
		}
		d, err := events.ParseDeadLetter(dead.waitN(t, ctx, 1)[0])
		if err != nil {
			t.Fatal(err)
		}
		if d.ExcClass != "*kafka.RecordError" || !strings.Contains(d.ExcMsg, "more than once") || d.OriginalEventID != id || d.OriginalTopic != topic {
			t.Errorf("dead letter = %+v: want a *kafka.RecordError about the duplicated header, original id %s", d, id)
		}
	})
}
