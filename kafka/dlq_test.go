package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

func TestDLQPreviewReplayDiscard(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		service := b.Topic(t, "dlq-svc", 1) // a unique name; the topic itself is unused
		topic := b.Topic(t, "dlq-orig", 1)
		dlqTopic := b.Topic(t, "dlq", 2)
		retry := events.RetryTopic(service)
		b.CreateTopic(t, retry, 1)
		pub := b.Sender(t)

		// Three events fail for good and become dead letters.
		fh, err := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error {
			return errors.New("boom")
		}), service, events.WithAttempts(1), events.WithDLQ(pub), events.WithDLQTopic(dlqTopic), events.WithFailureLogger(quietLogger()))
		if err != nil {
			t.Fatal(err)
		}
		var origs []*events.Message
		for i := range 3 {
			m := msg(topic, "same-key", "order_placed", fmt.Sprintf(`{"n":%d}`, i))
			m.Headers = map[string]string{"tenant": "t1"}
			if err := fh.HandleMessage(ctx, m); err != nil {
				t.Fatalf("HandleMessage = %v, want nil once dead-lettered", err)
			}
			origs = append(origs, m)
		}

		d, err := kafka.NewDLQ(b.Open(t, ""), "dlq-tool-"+service, dlqTopic)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := d.Preview(ctx, 10)
		if err != nil {
			t.Fatalf("Preview = %v", err)
		}
		if len(recs) != 3 {
			t.Fatalf("Preview returned %d dead letters, want 3", len(recs))
		}
		for i, r := range recs {
			o := origs[i]
			if r.ParseErr != nil || r.OriginalEventID != o.EventID || r.OriginalTopic != topic || r.Service != service ||
				r.CorrelationID != o.CorrelationID || r.Key != o.Key || r.Type != o.Type || string(r.Payload) != string(o.Payload) ||
				r.ExcMsg != "boom" || r.UserHeaders["tenant"] != "t1" || r.Timestamp.IsZero() {
				t.Errorf("dead letter %d = %+v, want the fields of %+v", i, r, o)
			}
		}
		// Preview does not process: a second preview sees the same.
		again, err := d.Preview(ctx, 1)
		if err != nil || len(again) != 1 || again[0].Offset != recs[0].Offset {
			t.Fatalf("second Preview(1) = %v, %v: want the first dead letter again", again, err)
		}
		if err := d.Discard(ctx, recs[1]); !errors.Is(err, kafka.ErrNotNext) {
			t.Errorf("Discard of the second dead letter = %v, want ErrNotNext", err)
		}
		if err := d.Replay(ctx, recs[0], []byte(`{"n":100}`)); err != nil {
			t.Fatalf("Replay = %v", err)
		}
		if err := d.Discard(ctx, recs[1]); err != nil {
			t.Fatalf("Discard = %v", err)
		}
		left, err := d.Preview(ctx, 10)
		if err != nil || len(left) != 1 || left[0].OriginalEventID != origs[2].EventID {
			t.Fatalf("Preview after replay and discard = %+v, %v: want only the third dead letter", left, err)
		}

		// The replayed event comes back on the retry topic; the service's
		// FailureHandler restores its original topic.
		got := newCollector()
		fh2, err := events.NewFailureHandler(got, service, events.WithFailureLogger(quietLogger()))
		if err != nil {
			t.Fatal(err)
		}
		startSubscriber(t, b.Config(service), []string{retry}, fh2)
		m := got.waitN(t, ctx, 1)[0]
		if m.Topic != topic || string(m.Payload) != `{"n":100}` || m.CorrelationID != origs[0].CorrelationID ||
			m.Headers["tenant"] != "t1" || m.Headers[events.HeaderOriginalTopic] != "" {
			t.Errorf("replayed event = %+v: want original topic %q, corrected payload, same correlation id, user headers only", m, topic)
		}
	})
}
