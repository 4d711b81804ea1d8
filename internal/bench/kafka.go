package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// Kafka benchmark settings: both sides use the same broker, topic
// settings, events (1 KiB of JSON that does not compress, encoded and
// decoded on both sides), acks (all) and idempotence (on), batch size,
// linger and compression.
const (
	kafkaEvents        = 400_000 // events of the batch publish and consume cases
	kafkaPartitions    = 6
	kafkaChunk         = 1000    // events per PublishBatch / ProduceSync call
	kafkaSenders       = 32      // concurrent batch calls
	kafkaGoroutines    = 64      // concurrent one-event Publish callers
	kafkaConcurrent    = 100_000 // events of the concurrent Publish case
	kafkaSequential    = 2_000   // events of the lone sequential publisher
	kafkaVariants      = 4096    // distinct payloads, cycled
	kafkaPayloadSize   = 1024
	kafkaLatencyRate   = 2000 // events/s of the latency case
	kafkaLatencyWarmup = 3 * time.Second
	kafkaLatencyFor    = 10 * time.Second
)

// benchOrder is the event of every Kafka case: a typical order with a
// random note that pads its JSON to 1 KiB and defeats compression.
type benchOrder struct {
	OrderID  string      `json:"order_id"`
	Customer string      `json:"customer"`
	Amount   float64     `json:"amount"`
	Currency string      `json:"currency"`
	Items    []benchItem `json:"items"`
	SentAt   int64       `json:"sent_at"` // unix nanoseconds, for latency
	Note     string      `json:"note"`
}

type benchItem struct {
	SKU      string  `json:"sku"`
	Quantity int     `json:"quantity"`
	Price    float64 `json:"price"`
}

func (benchOrder) EventType() string { return "order_placed" }

// kafkaSuite compares hexkit's Kafka publisher and subscriber with raw
// franz-go on the broker from HEXKIT_KAFKA_BROKERS. Consumers run in child
// processes of their own, so that their peak RSS can be compared.
func kafkaSuite(ctx context.Context, r *reporter) error {
	brokers := strings.Split(os.Getenv("HEXKIT_KAFKA_BROKERS"), ",")
	if brokers[0] == "" {
		return errors.New("HEXKIT_KAFKA_BROKERS is not set (eval \"$(scripts/servers env)\")")
	}
	b := &kafkaBench{brokers: brokers, orders: newOrders(), cid: hexkit.NewCorrelationID()}
	admin, err := kafka.Open(ctx, kafka.Config{Brokers: brokers})
	if err != nil {
		return err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	b.admin = admin
	b.topics.admin = admin
	defer b.topics.deleteAll()

	if err := r.compareTimed(ctx, "publish", b.hexkitPublishBatch, b.rawPublishBatch); err != nil {
		return err
	}
	if err := r.compareTimed(ctx, "publish-64-goroutines", b.publishConcurrent(kafkaGoroutines, kafkaConcurrent, true),
		b.publishConcurrent(kafkaGoroutines, kafkaConcurrent, false)); err != nil {
		return err
	}
	if err := r.compareTimed(ctx, "publish-sequential", b.publishConcurrent(1, kafkaSequential, true),
		b.publishConcurrent(1, kafkaSequential, false)); err != nil {
		return err
	}
	if r.want("latency") {
		if err := b.latency(ctx, r); err != nil {
			return err
		}
	}
	if !r.want("consume") {
		return nil
	}
	// One topic filled once, read by a new consumer group per round.
	topic, err := b.topic(ctx, "consume")
	if err != nil {
		return err
	}
	if _, err := b.rawPublishTo(ctx, topic); err != nil {
		return err
	}
	return b.consume(ctx, r, topic)
}

type kafkaBench struct {
	brokers []string
	admin   *kafka.Client
	orders  []benchOrder
	cid     string // the correlation id of every event: one request's
	topics  benchTopics
	round   atomic.Int64
}

// newOrders returns kafkaVariants orders whose JSON is kafkaPayloadSize
// bytes, each with its own random note.
func newOrders() []benchOrder {
	orders := make([]benchOrder, kafkaVariants)
	for i := range orders {
		o := benchOrder{
			OrderID:  fmt.Sprintf("order-%06d", i),
			Customer: fmt.Sprintf("customer-%04d", i%977),
			Amount:   float64(i%10_000) + 0.99,
			Currency: "EUR",
			Items: []benchItem{
				{SKU: "sku-001", Quantity: 1 + i%3, Price: 19.99},
				{SKU: "sku-042", Quantity: 2, Price: 5.25},
			},
			SentAt: time.Now().UnixNano(),
		}
		raw, _ := json.Marshal(o)
		note := make([]byte, (kafkaPayloadSize-len(raw))*3/4+3)
		_, _ = rand.Read(note)
		o.Note = base64.RawStdEncoding.EncodeToString(note)[:kafkaPayloadSize-len(raw)]
		orders[i] = o
	}
	return orders
}

func (b *kafkaBench) order(i int) benchOrder { return b.orders[i%kafkaVariants] }
func orderKey(i int) string                  { return fmt.Sprintf("key-%d", i%1000) }

func (b *kafkaBench) topic(ctx context.Context, what string) (string, error) {
	name := fmt.Sprintf("bench-%s-%d-%d", what, time.Now().UnixNano(), b.round.Add(1))
	return name, b.topics.create(ctx, name, kafkaPartitions)
}

// benchTopics creates the topics of a suite and deletes them at its end.
type benchTopics struct {
	admin *kafka.Client
	names []string
}

func (t *benchTopics) create(ctx context.Context, name string, partitions int32) error {
	if err := t.admin.CreateTopics(ctx, kafka.TopicSpec{Name: name, Partitions: partitions}); err != nil {
		return err
	}
	t.names = append(t.names, name)
	return nil
}

func (t *benchTopics) deleteAll() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = t.admin.DeleteTopics(ctx, t.names...)
}

// config is the client configuration of the hexkit side: franz-go's
// defaults (acks=all, idempotent), no linger, snappy and 1 MiB batches.
func (b *kafkaBench) config() kafka.Config { return kafka.Config{Brokers: b.brokers} }

// rawOpts is the same configuration for raw franz-go, including hexkit's
// metadata refresh of at most every 250ms: with franz-go's 5s, a client
// that meets a just-created topic before all its partitions have leaders
// holds their records for up to 5s, which would measure the broker's
// topic creation rather than the client.
func rawOpts(brokers []string) []kgo.Opt {
	return []kgo.Opt{
		kgo.SeedBrokers(brokers...),
		kgo.MetadataMinAge(250 * time.Millisecond),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.SnappyCompression()),
		kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.ProducerLinger(0),
	}
}

// rawRecord encodes o as a careful raw client does: JSON payload and the
// headers hexkit's wire format carries.
func (b *kafkaBench) rawRecord(topic, key string, o *benchOrder) (*kgo.Record, error) {
	payload, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	return &kgo.Record{
		Topic: topic,
		Key:   []byte(key),
		Value: payload,
		Headers: []kgo.RecordHeader{
			{Key: events.HeaderType, Value: []byte("order_placed")},
			{Key: events.HeaderEventID, Value: []byte(events.NewEventID())},
			{Key: events.HeaderCorrelationID, Value: []byte(b.cid)},
		},
	}, nil
}

func (b *kafkaBench) rawPublishBatch(ctx context.Context) (int, time.Duration, error) {
	topic, err := b.topic(ctx, "pub-raw")
	if err != nil {
		return 0, 0, err
	}
	elapsed, err := b.rawPublishTo(ctx, topic)
	return kafkaEvents, elapsed, err
}

// rawPublishTo produces kafkaEvents events with franz-go directly:
// kafkaSenders goroutines, each encoding chunks of kafkaChunk records and
// waiting for their acks (ProduceSync), as a PublishBatch call does. It
// returns the time they took, after one untimed record that makes the
// client learn the topic.
func (b *kafkaBench) rawPublishTo(ctx context.Context, topic string) (time.Duration, error) {
	cl, err := kgo.NewClient(rawOpts(b.brokers)...)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	o := b.order(0)
	rec, err := b.rawRecord(topic, orderKey(0), &o)
	if err != nil {
		return 0, err
	}
	if err := cl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return 0, err
	}
	start := time.Now()
	err = inChunks(kafkaEvents, kafkaChunk, kafkaSenders, func() func(start, end int) error {
		recs := make([]*kgo.Record, 0, kafkaChunk)
		return func(start, end int) error {
			recs = recs[:0]
			for i := start; i < end; i++ {
				o := b.order(i)
				rec, err := b.rawRecord(topic, orderKey(i), &o)
				if err != nil {
					return err
				}
				recs = append(recs, rec)
			}
			return cl.ProduceSync(ctx, recs...).FirstErr()
		}
	})
	return time.Since(start), err
}

// hexkitPublishBatch publishes the same events with a typed
// kafka.NewPublisher: PublishBatch calls of kafkaChunk events from
// kafkaSenders goroutines.
func (b *kafkaBench) hexkitPublishBatch(ctx context.Context) (int, time.Duration, error) {
	topic, err := b.topic(ctx, "pub-hexkit")
	if err != nil {
		return 0, 0, err
	}
	client, err := kafka.Open(ctx, b.config())
	if err != nil {
		return 0, 0, err
	}
	defer client.Close(context.WithoutCancel(ctx))
	pub, err := kafka.NewPublisher[benchOrder](client, topic)
	if err != nil {
		return 0, 0, err
	}
	ctx = hexkit.WithCorrelationID(ctx, b.cid)
	if err := pub.Publish(ctx, orderKey(0), b.order(0)); err != nil { // untimed: the client learns the topic
		return 0, 0, err
	}
	start, cpu := time.Now(), readCPU()
	defer cpu.report(topic, kafkaEvents)
	err = inChunks(kafkaEvents, kafkaChunk, kafkaSenders, func() func(start, end int) error {
		batch := make([]events.Keyed[benchOrder], 0, kafkaChunk)
		return func(start, end int) error {
			batch = batch[:0]
			for i := start; i < end; i++ {
				batch = append(batch, events.Keyed[benchOrder]{Key: orderKey(i), Event: b.order(i)})
			}
			return pub.PublishBatch(ctx, batch...)
		}
	})
	if err != nil {
		return 0, 0, err
	}
	return kafkaEvents, time.Since(start), nil
}

// publishConcurrent returns the side that publishes n events one at a
// time from goroutines goroutines, each call waiting for its ack: the
// way services publish from request and event handlers. hexkit says
// which side.
func (b *kafkaBench) publishConcurrent(goroutines, n int, hexkitSide bool) timedSide {
	return func(ctx context.Context) (int, time.Duration, error) {
		topic, err := b.topic(ctx, fmt.Sprintf("pub-%d", goroutines))
		if err != nil {
			return 0, 0, err
		}
		publish, closeFn, err := b.publisher(ctx, topic, hexkitSide)
		if err != nil {
			return 0, 0, err
		}
		defer closeFn()
		// One event first, untimed: the client learns the new topic.
		if err := publish(ctx, 0, b.order(0)); err != nil {
			return 0, 0, err
		}
		start, cpu := time.Now(), readCPU()
		err = inChunks(n, 1, goroutines, func() func(start, end int) error {
			return func(i, _ int) error { return publish(ctx, i, b.order(i)) }
		})
		if err != nil {
			return 0, 0, err
		}
		elapsed := time.Since(start)
		cpu.report(topic, n)
		return n, elapsed, nil
	}
}

// publisher returns a function that publishes event i and waits for its
// ack, through hexkit (a typed publisher) or raw franz-go (ProduceSync of
// one record), and the function that closes its client.
func (b *kafkaBench) publisher(ctx context.Context, topic string, hexkitSide bool) (func(ctx context.Context, i int, o benchOrder) error, func(), error) {
	reqs := &produceRequests{}
	report := func() {
		if n := reqs.n.Load(); n > 0 {
			which := map[bool]string{true: "hexkit", false: "raw"}[hexkitSide]
			fmt.Fprintf(os.Stderr, "%s: %s %d produce requests, %.1f records each\n", topic, which, n, float64(reqs.recs.Load())/float64(n))
		}
	}
	if !hexkitSide {
		cl, err := kgo.NewClient(append(rawOpts(b.brokers), kgo.WithHooks(reqs))...)
		if err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context, i int, o benchOrder) error {
			rec, err := b.rawRecord(topic, orderKey(i), &o)
			if err != nil {
				return err
			}
			return cl.ProduceSync(ctx, rec).FirstErr()
		}, func() { cl.Close(); report() }, nil
	}
	cfg := b.config()
	cfg.Options = []kgo.Opt{kgo.WithHooks(reqs)}
	client, err := kafka.Open(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	pub, err := kafka.NewPublisher[benchOrder](client, topic)
	if err != nil {
		_ = client.Close(ctx)
		return nil, nil, err
	}
	return func(ctx context.Context, i int, o benchOrder) error {
			return pub.Publish(hexkit.WithCorrelationID(ctx, b.cid), orderKey(i), o)
		}, func() {
			_ = client.Close(context.WithoutCancel(ctx))
			report()
		}, nil
}

// produceRequests counts a client's produce requests and their records,
// printed to stderr to show how well each side batches.
type produceRequests struct{ n, recs atomic.Int64 }

func (p *produceRequests) OnProduceBatchWritten(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.ProduceBatchMetrics) {
	p.recs.Add(int64(m.NumRecords))
}

func (p *produceRequests) OnBrokerWrite(_ kgo.BrokerMetadata, key int16, _ int, _, _ time.Duration, err error) {
	if key == 0 && err == nil { // a produce request
		p.n.Add(1)
	}
}

// inChunks splits [0, n) into chunks of size chunk and hands them to
// goroutines goroutines; newSender gives each goroutine its function.
// It returns the first error.
func inChunks(n, chunk, goroutines int, newSender func() func(start, end int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		send := newSender()
		wg.Go(func() {
			for {
				start := int(next.Add(int64(chunk))) - chunk
				if start >= n {
					return
				}
				if err := send(start, min(start+chunk, n)); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// checkOrder is the work both consumers do per decoded event: look at
// what a handler reads. It reports whether the event is whole.
func checkOrder(typ, key, id, cid string, o *benchOrder) bool {
	return typ == "order_placed" && key != "" && len(id) == 36 && len(cid) == 36 &&
		o.OrderID != "" && len(o.Items) == 2 && len(o.Note) > 0
}
