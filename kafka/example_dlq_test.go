package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// Work a dead letter queue: preview what failed, replay one dead letter to
// its service's retry topic with a corrected payload, discard another.
func ExampleDLQ() {
	ctx := context.Background()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	client, err := kafka.Open(ctx, kafka.Config{Brokers: cluster.ListenAddrs()})
	if err != nil {
		panic(err)
	}
	defer client.Close(ctx)
	_ = client.CreateTopics(ctx, kafka.TopicSpec{Name: "dlq", Partitions: 1}, kafka.TopicSpec{Name: "retry-shipping", Partitions: 1})
	sender, _ := kafka.NewSender(client)

	// Two events fail for good in the shipping service and are dead-lettered.
	fh, _ := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error {
		return errors.New("address unknown")
	}), "shipping", events.WithAttempts(1), events.WithDLQ(sender),
		events.WithFailureLogger(slog.New(slog.DiscardHandler)))
	for _, payload := range []string{`{"id":"order-1"}`, `{"id":"order-2"}`} {
		_ = fh.HandleMessage(ctx, &events.Message{Topic: "orders", Key: "k", Type: "order_placed",
			EventID: events.NewEventID(), CorrelationID: events.NewEventID(), Payload: []byte(payload)})
	}

	// The group "dlq-operator" remembers what was processed.
	dlq, err := kafka.NewDLQ(client, "dlq-operator", events.DefaultDLQTopic)
	if err != nil {
		panic(err)
	}
	recs, _ := dlq.Preview(ctx, 10)
	for _, r := range recs {
		fmt.Printf("%d@%d %s from %s by %s: %s %s\n", r.Partition, r.Offset, r.Type, r.OriginalTopic, r.Service, r.ExcMsg, r.Payload)
	}
	fmt.Println(dlq.Replay(ctx, recs[0], []byte(`{"id":"order-1","address":"fixed"}`)))
	fmt.Println(dlq.Discard(ctx, recs[1]))
	left, _ := dlq.Preview(ctx, 10)
	fmt.Println("left:", len(left))
	// Output:
	// 0@0 order_placed from orders by shipping: address unknown {"id":"order-1"}
	// 0@1 order_placed from orders by shipping: address unknown {"id":"order-2"}
	// <nil>
	// <nil>
	// left: 0
}
