package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// Kafka benchmark settings: both sides use the same broker, topic
// settings, payloads, acks (all) and idempotence (on), batch size, linger
// and compression.
const (
	kafkaEvents     = 400_000
	kafkaPartitions = 6
	kafkaChunk      = 1000 // messages per hexkit Send call
	kafkaSenders    = 32   // concurrent hexkit Send calls
)

// kafkaSuite compares hexkit's Kafka publisher and subscriber with raw
// franz-go on the broker from HEXKIT_KAFKA_BROKERS.
func kafkaSuite(ctx context.Context, r *reporter) error {
	brokers := strings.Split(os.Getenv("HEXKIT_KAFKA_BROKERS"), ",")
	if brokers[0] == "" {
		return errors.New("HEXKIT_KAFKA_BROKERS is not set (eval \"$(scripts/servers env)\")")
	}
	b := &kafkaBench{brokers: brokers, data: newKafkaData(kafkaEvents)}
	admin, err := kafka.Open(ctx, kafka.Config{Brokers: brokers})
	if err != nil {
		return err
	}
	defer admin.Close(context.WithoutCancel(ctx))
	b.admin = admin
	defer b.cleanup()

	if err := r.compare(ctx, "publish", b.hexkitPublish, b.rawPublish); err != nil {
		return err
	}
	// One topic filled once, read by a new consumer group per round.
	topic, err := b.topic(ctx, "consume")
	if err != nil {
		return err
	}
	b.consumeTopic = topic
	if _, err := b.rawPublishTo(ctx, topic); err != nil {
		return err
	}
	return r.compare(ctx, "consume", b.hexkitConsume, b.rawConsume)
}

type kafkaBench struct {
	brokers      []string
	admin        *kafka.Client
	data         *kafkaData
	topics       []string
	consumeTopic string
	round        atomic.Int64
}

// kafkaData is the same 1 KiB JSON payload, key and headers per event for
// both sides.
type kafkaData struct {
	keys, ids, cids []string
	payload         []byte
}

func newKafkaData(n int) *kafkaData {
	d := &kafkaData{payload: jsonPayload(1024)}
	for i := range n {
		d.keys = append(d.keys, fmt.Sprintf("key-%d", i%1000))
		d.ids = append(d.ids, events.NewEventID())
		d.cids = append(d.cids, events.NewEventID())
	}
	return d
}

// jsonPayload returns a JSON object of exactly size bytes.
func jsonPayload(size int) []byte {
	head := `{"id":"order-1","note":"`
	tail := `"}`
	return []byte(head + strings.Repeat("x", size-len(head)-len(tail)) + tail)
}

func (b *kafkaBench) topic(ctx context.Context, what string) (string, error) {
	name := fmt.Sprintf("bench-%s-%d-%d", what, time.Now().UnixNano(), b.round.Add(1))
	if err := b.admin.CreateTopics(ctx, kafka.TopicSpec{Name: name, Partitions: kafkaPartitions}); err != nil {
		return "", err
	}
	b.topics = append(b.topics, name)
	return name, nil
}

func (b *kafkaBench) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_ = b.admin.DeleteTopics(ctx, b.topics...)
}

// config is the client configuration both sides share: franz-go's
// defaults (acks=all, idempotent), no linger, snappy and 1 MiB
// batches, which is what kafka.Config asks for.
func (b *kafkaBench) config(group string) kafka.Config {
	return kafka.Config{Brokers: b.brokers, ServiceName: group}
}

func (b *kafkaBench) rawOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.SeedBrokers(b.brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.SnappyCompression()),
		kgo.ProducerBatchMaxBytes(1 << 20),
		kgo.ProducerLinger(0),
	}
}

func (b *kafkaBench) rawPublish(ctx context.Context) (int, error) {
	topic, err := b.topic(ctx, "pub-raw")
	if err != nil {
		return 0, err
	}
	return b.rawPublishTo(ctx, topic)
}

// rawPublishTo produces every event with franz-go directly, with the same
// concurrency as hexkitPublish: kafkaSenders goroutines, each producing
// chunks of kafkaChunk records built per event and waiting for their acks
// (ProduceSync), which is what a Send call does.
func (b *kafkaBench) rawPublishTo(ctx context.Context, topic string) (int, error) {
	cl, err := kgo.NewClient(b.rawOpts()...)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	d := b.data
	err = inChunks(len(d.keys), func() func(start, end int) error {
		recs := make([]*kgo.Record, 0, kafkaChunk)
		return func(start, end int) error {
			recs = recs[:0]
			for i := start; i < end; i++ {
				recs = append(recs, &kgo.Record{
					Topic: topic,
					Key:   []byte(d.keys[i]),
					Value: d.payload,
					Headers: []kgo.RecordHeader{
						{Key: events.HeaderType, Value: []byte("order_placed")},
						{Key: events.HeaderEventID, Value: []byte(d.ids[i])},
						{Key: events.HeaderCorrelationID, Value: []byte(d.cids[i])},
					},
				})
			}
			return cl.ProduceSync(ctx, recs...).FirstErr()
		}
	})
	if err != nil {
		return 0, err
	}
	return len(d.keys), nil
}

// hexkitPublish sends the same events through a kafka.NewSender sender: messages
// built per event, Send calls of kafkaChunk messages from kafkaSenders
// goroutines, each returning once its records are acknowledged.
func (b *kafkaBench) hexkitPublish(ctx context.Context) (int, error) {
	topic, err := b.topic(ctx, "pub-hexkit")
	if err != nil {
		return 0, err
	}
	client, err := kafka.Open(ctx, b.config(""))
	if err != nil {
		return 0, err
	}
	pub, err := kafka.NewSender(client)
	if err != nil {
		return 0, err
	}
	d := b.data
	err = inChunks(len(d.keys), func() func(start, end int) error {
		msgs := make([]*events.Message, 0, kafkaChunk)
		return func(start, end int) error {
			msgs = msgs[:0]
			for i := start; i < end; i++ {
				msgs = append(msgs, &events.Message{Topic: topic, Key: d.keys[i], Type: "order_placed",
					EventID: d.ids[i], CorrelationID: d.cids[i], Payload: d.payload})
			}
			return pub.Send(ctx, msgs...)
		}
	})
	if cerr := client.Close(ctx); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	return len(d.keys), nil
}

// inChunks splits [0, n) into chunks of kafkaChunk and hands them to
// kafkaSenders goroutines; newSender gives each goroutine its function.
// It returns the first error.
func inChunks(n int, newSender func() func(start, end int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, kafkaSenders)
	for range kafkaSenders {
		send := newSender()
		wg.Go(func() {
			for {
				start := int(next.Add(kafkaChunk)) - kafkaChunk
				if start >= n {
					return
				}
				if err := send(start, min(start+kafkaChunk, n)); err != nil {
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

// benchHandle is the work both consumers do per event: read what a
// handler of the wire format reads (type, key, event id, correlation id,
// payload; here one byte of each, so that both sides touch the same
// memory) and count the event. It returns the new count.
func benchHandle[S string | []byte](typ, key, id, cid S, payload []byte, n *atomic.Int64) int64 {
	if len(typ) == 0 || len(key) == 0 || len(id) != 36 || len(cid) != 36 || len(payload) == 0 {
		return n.Load()
	}
	if typ[0]^key[0]^id[35]^cid[35]^payload[0] == 0xff { // never true: keeps the reads
		return n.Load()
	}
	return n.Add(1)
}

// rawConsume reads the topic with franz-go directly as a new group member:
// poll, handle every record, mark it, autocommit the marks, commit at the
// end.
func (b *kafkaBench) rawConsume(ctx context.Context) (int, error) {
	group := fmt.Sprintf("bench-raw-%d", b.round.Add(1))
	cl, err := kgo.NewClient(append(b.rawOpts(),
		kgo.ConsumerGroup(group), kgo.ConsumeTopics(b.consumeTopic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.AutoCommitMarks())...)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	var n atomic.Int64
	for n.Load() < kafkaEvents {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := fetches.Err0(); err != nil {
			return 0, err
		}
		fetches.EachRecord(func(r *kgo.Record) {
			var typ, id, cid []byte
			for _, h := range r.Headers {
				switch h.Key {
				case events.HeaderType:
					typ = h.Value
				case events.HeaderEventID:
					id = h.Value
				case events.HeaderCorrelationID:
					cid = h.Value
				}
			}
			benchHandle(typ, r.Key, id, cid, r.Value, &n)
			cl.MarkCommitRecords(r)
		})
	}
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		return 0, err
	}
	return int(n.Load()), nil
}

// hexkitConsume reads the topic with a kafka.NewSubscriber subscriber as a new group
// member and stops (graceful drain and commit included) once it has
// handled every event.
func (b *kafkaBench) hexkitConsume(ctx context.Context) (int, error) {
	group := fmt.Sprintf("bench-hexkit-%d", b.round.Add(1))
	var n atomic.Int64
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	h := events.MessageHandlerFunc(func(_ context.Context, m *events.Message) error {
		if benchHandle(m.Type, m.Key, m.EventID, m.CorrelationID, m.Payload, &n) == kafkaEvents {
			cancel()
		}
		return nil
	})
	// The suite's client: Run builds the subscriber's own consumer client,
	// as the raw side builds one per round.
	sub, err := kafka.NewSubscriber(b.admin, group, h, events.WithTopics(b.consumeTopic),
		events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return 0, err
	}
	if err := sub.Run(runCtx); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if got := n.Load(); got < kafkaEvents {
		return 0, fmt.Errorf("handled %d of %d events", got, kafkaEvents)
	}
	return int(n.Load()), nil
}
