package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// OrderPlaced is a typed event.
type OrderPlaced struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

func (OrderPlaced) EventType() string { return "order_placed" }

// Publish typed events to Kafka and handle them with a router. The broker
// here is franz-go's in-process kfake; a service passes its real brokers.
func Example() {
	ctx := context.Background()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		panic(err)
	}
	defer cluster.Close()
	cfg := kafka.Config{Brokers: cluster.ListenAddrs(), ServiceName: "shipping", InstanceID: "1"}

	client, err := kafka.Open(ctx, cfg)
	if err != nil {
		panic(err)
	}
	defer client.Close(ctx)
	if err := client.CreateTopics(ctx, kafka.TopicSpec{Name: "orders", Partitions: 3}); err != nil {
		panic(err)
	}

	pub, err := kafka.NewPublisher[OrderPlaced](client, "orders")
	if err != nil {
		panic(err)
	}
	if err := pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1", Total: 42}); err != nil {
		panic(err)
	}

	r := events.NewRouter()
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[OrderPlaced]) error {
		fmt.Printf("ship %s (total %d, key %s)\n", d.Event.ID, d.Event.Total, d.Key)
		return nil
	})
	sub, err := kafka.NewSubscriber(client, cfg.ServiceName, r) // topics from the router
	if err != nil {
		panic(err)
	}
	subCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- sub.Run(subCtx) }()
	if err := sub.WaitIdle(ctx); err != nil { // every event published so far is handled
		panic(err)
	}
	stop()
	fmt.Println("run returned:", <-done)
	// Output:
	// ship order-1 (total 42, key order-1)
	// run returned: <nil>
}

// Invalid messages are refused before anything is sent; a missing topic
// is reported per message with a sentinel.
func ExampleNewSender() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cluster, _ := kfake.NewCluster(kfake.NumBrokers(1))
	defer cluster.Close()
	client, _ := kafka.Open(ctx, kafka.Config{Brokers: cluster.ListenAddrs(),
		Options: []kgo.Opt{kgo.UnknownTopicRetries(1)}})
	defer client.Close(ctx)
	s, _ := kafka.NewSender(client)

	bad := &events.Message{Topic: "orders", Key: "schlüssel", Type: "order_placed",
		EventID: events.NewEventID(), CorrelationID: events.NewEventID(), Payload: []byte(`{}`)}
	missing := &events.Message{Topic: "no-such-topic", Key: "k", Type: "order_placed",
		EventID: events.NewEventID(), CorrelationID: events.NewEventID(), Payload: []byte(`{}`)}
	err := s.Send(ctx, bad, missing)
	var be *events.BatchError
	if errors.As(err, &be) {
		fmt.Println("invalid:", errors.Is(be.Errs[0], events.ErrInvalidMessage))
		fmt.Println("topic not found:", errors.Is(be.Errs[1], events.ErrTopicNotFound))
	}
	// Output:
	// invalid: true
	// topic not found: true
}

// New wraps a franz-go client the caller built and keeps owning.
func ExampleNew() {
	ctx := context.Background()
	cluster, _ := kfake.NewCluster(kfake.NumBrokers(1))
	defer cluster.Close()
	cl, _ := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	defer cl.Close()

	client, err := kafka.New(cl)
	if err != nil {
		panic(err)
	}
	_ = client.CreateTopics(ctx, kafka.TopicSpec{Name: "orders"})
	pub, _ := kafka.NewPublisher[OrderPlaced](client, "orders")
	fmt.Println(pub.Publish(ctx, "order-1", OrderPlaced{ID: "order-1"}))
	fmt.Println(client.Close(ctx), cl.Ping(ctx)) // cl stays open
	// Output:
	// <nil>
	// <nil> <nil>
}

// Config never prints its secrets.
func ExampleConfig_String() {
	cfg := kafka.Config{
		Brokers:     []string{"kafka-1:9093"},
		ServiceName: "shipping",
		InstanceID:  "7",
		SASL:        &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: "shipping", Password: hexkit.NewSecret("hunter2")},
	}
	fmt.Println(cfg.ClientID())
	fmt.Println(cfg)
	fmt.Printf("%v %#v\n", cfg.SASL.Password, cfg.SASL.Password)
	slog.New(slog.NewTextHandler(printer{}, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("config", "kafka", cfg)
	// Output:
	// shipping.7
	// kafka.Config{Brokers:[kafka-1:9093] ServiceName:"shipping" InstanceID:"7" TLS:false SASL:SCRAM-SHA-512/shipping Compression:"" MaxMessageSize:0 Linger:0s Options:0}
	// [redacted] "[redacted]"
	// level=INFO msg=config kafka.brokers=[kafka-1:9093] kafka.service=shipping kafka.instance=7 kafka.tls=false kafka.sasl_mechanism=SCRAM-SHA-512 kafka.sasl_user=shipping
}

type printer struct{}

func (printer) Write(p []byte) (int, error) { fmt.Print(string(p)); return len(p), nil }

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
