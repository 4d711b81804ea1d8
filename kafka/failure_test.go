package kafka_test

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestFailureHandling runs the failure-handling suite (retries, dead
// letters, retry topic, poison messages) on the in-process broker and on
// the real Apache Kafka broker.
func TestFailureHandling(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		eventstest.RunFailure(t, func(t *testing.T) eventstest.Harness {
			return newHarness(t, b)
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
		fh, err := events.NewFailureHandler(got, service, events.WithDLQ(b.Sender(t)), events.WithDLQTopic(dlq),
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
		send(t, ctx, b.Sender(t), good)
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
