package kafka_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// harness runs the events conformance suite on one broker.
type harness struct {
	t   *testing.T
	b   *kafkatest.Broker
	pub *kafka.Publisher
	raw *kgo.Client
}

var (
	_ eventstest.Harness   = (*harness)(nil)
	_ eventstest.RawSender = (*harness)(nil)
)

func newHarness(t *testing.T, b *kafkatest.Broker) *harness {
	pub, err := kafka.NewPublisher(b.Config(""))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerLinger(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(raw.Close)
	return &harness{t: t, b: b, pub: pub, raw: raw}
}

func (h *harness) Sender() events.Sender { return h.pub }

func (h *harness) CreateTopic(_ context.Context, topic string, partitions int) error {
	h.b.CreateTopic(h.t, topic, partitions)
	return nil
}

func (h *harness) StartSubscriber(_ context.Context, group string, topics []string, mh events.MessageHandler) (func() error, error) {
	s, err := kafka.NewSubscriber(h.b.Config(group), topics, mh, kafka.WithLogger(quietLogger()),
		kafka.WithRetryBackoff(10*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(testTimeout):
			return errors.New("Run did not return after its context was canceled")
		}
	}, nil
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
	return h.pub.Close(ctx)
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
