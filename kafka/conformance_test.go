package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// harness runs the events conformance suite on one broker, through a
// client of its own.
type harness struct {
	t   *testing.T
	b   *kafkatest.Broker
	c   *kafka.Client
	s   events.Sender
	raw *kgo.Client
}

var (
	_ eventstest.Harness   = (*harness)(nil)
	_ eventstest.RawSender = (*harness)(nil)
)

func newHarness(t *testing.T, b *kafkatest.Broker) *harness {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, err := kafka.Open(ctx, b.Config(""))
	if err != nil {
		t.Fatal(err)
	}
	s, err := kafka.NewSender(c)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerLinger(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(raw.Close)
	return &harness{t: t, b: b, c: c, s: s, raw: raw}
}

func (h *harness) Sender() events.Sender { return h.s }

// CreateTopic creates the topic through the client under test, so the
// suite sees the client's errors, and deletes it when the test ends.
func (h *harness) CreateTopic(ctx context.Context, topic string, partitions int) error {
	if err := h.c.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: int32(partitions)}); err != nil {
		return err
	}
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		adm, err := kafka.New(h.b.Client()) // h.c may be closed by now
		if err == nil {
			err = adm.DeleteTopics(ctx, topic)
		}
		if err != nil {
			h.t.Logf("delete topic %s: %v", topic, err)
		}
	})
	return nil
}

func (h *harness) NewSubscriber(group string, mh events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error) {
	return kafka.NewSubscriber(h.c, group, mh, opts...)
}

// SendRaw produces the messages as a foreign producer might: a header is
// left out when its field is empty, and nothing is validated.
func (h *harness) SendRaw(ctx context.Context, msgs ...*events.Message) error {
	recs := make([]*kgo.Record, len(msgs))
	for i, m := range msgs {
		r := &kgo.Record{Topic: m.Topic, Key: []byte(m.Key), Value: m.Payload}
		for k, v := range map[string]string{events.HeaderType: m.Type, events.HeaderEventID: m.EventID,
			events.HeaderCorrelationID: m.CorrelationID} {
			if v != "" {
				r.Headers = append(r.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
			}
		}
		for k, v := range m.Headers {
			r.Headers = append(r.Headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
		}
		recs[i] = r
	}
	return h.raw.ProduceSync(ctx, recs...).FirstErr()
}

func (h *harness) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	return h.c.Close(ctx)
}

func TestConformanceKfake(t *testing.T) {
	t.Parallel()
	b := kafkatest.NewFake(t)
	eventstest.Run(t, func(t *testing.T) eventstest.Harness { return newHarness(t, b) }, eventstest.Features{RawSend: true})
}

func TestConformanceKafka(t *testing.T) {
	t.Parallel()
	b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	eventstest.Run(t, func(t *testing.T) eventstest.Harness { return newHarness(t, b) }, eventstest.Features{RawSend: true})
}
