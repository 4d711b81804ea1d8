package kafka_test

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// The size limit refuses the same messages on a client's first send as
// on later ones, whether it is Config.MaxMessageSize (Open) or the
// wrapped client's ProducerBatchMaxBytes (New): franz-go alone counts 3
// bytes more before a broker has answered a produce request.
func TestSizeLimitFirstSend(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "size", 1)
		for _, limit := range []int{600, 20000} {
			open := func() *kafka.Client {
				cfg := b.Config("size")
				cfg.MaxMessageSize = int32(limit)
				c, err := kafka.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			wrap := func() *kafka.Client {
				cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerBatchMaxBytes(int32(limit)))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(cl.Close)
				c, err := kafka.New(cl)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			for name, newClient := range map[string]func() *kafka.Client{"Open": open, "New": wrap} {
				for _, extra := range []int{0, 1} {
					// The message of this size first, then the other one.
					c := newClient()
					s, err := kafka.NewSender(c)
					if err != nil {
						t.Fatal(err)
					}
					for _, over := range []int{extra, 1 - extra} {
						m := msg(topic, "k", "t", "")
						dm := (*driver.Message)(m)
						n := limit - driver.RecordSize(dm)
						for m.Payload = make([]byte, n); driver.RecordSize(dm) > limit; m.Payload = make([]byte, n) {
							n--
						}
						m.Payload = make([]byte, n+over)
						err := s.Send(ctx, m)
						if over == 0 && err != nil {
							t.Errorf("%s, limit %d: Send of a record batch of %d bytes = %v, want nil", name, limit, driver.RecordSize(dm), err)
						}
						if over == 1 && !errors.Is(err, events.ErrMessageTooLarge) {
							t.Errorf("%s, limit %d: Send of a record batch of %d bytes = %v, want ErrMessageTooLarge", name, limit, driver.RecordSize(dm), err)
						}
					}
					if err := c.Close(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}
