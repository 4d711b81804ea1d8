package main

// The outbox suite compares the MongoDB outbox with what a service does
// without one: a plain insert followed by a plain publish. Where the
// outbox's time goes, per change:
//
//   - the write: one insert (or replace) of the document with its
//     publication state (__metadata__: published false, the correlation
//     id, a change stamp), about the cost of a plain insert;
//   - the read-back: the relay, woken by the write, queries the pending
//     changes with an index on the publication state and reads the stored
//     documents back to build their events (one query per batch, not per
//     change);
//   - the send: one franz-go produce of the whole batch, acknowledged by
//     every in-sync replica (acks=all), as the raw side's ProduceSync;
//   - the mark: one bulk update that marks the batch published, only
//     where the stamp is still the one read, so a change written meanwhile
//     stays pending.
//
// The raw side pays a round trip to MongoDB and one to Kafka per change,
// in sequence; the outbox pays the same write, then the relay pays a query,
// a produce and a bulk update per batch of changes written while it worked.
// A lone writer waiting for each change therefore costs about one extra
// query and update per change, while a steady stream of writes shares
// them.
//
// On FerretDB v1 (SQLite) the server adds to this: it hands SQLite only a
// filter that is exactly {_id: <string or ObjectID>} and evaluates any
// other by reading and decoding every document of the collection, and
// even its update by id parses every stored document (profiled: the SQL
// UPDATE matches the id through a JSON path that no index serves). The
// pending-changes query, each write and each mark therefore cost time in
// proportion to the collection's size; the provider reads and writes by
// id there and checks a mark's stamp itself.
//
// "relay delay" is the time from an Insert returning to a consumer
// receiving the event, next to the same delay of a raw ProduceSync after a
// raw InsertOne (the produce is then counted in the delay).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

const (
	outboxOps             = 100 // changes (or events) per round of outbox insert and persistent publish
	outboxSamples         = 100 // delays measured per round and side
	outboxTopicPartitions = 3
)

// outboxBench holds what the cases share: one database, one relay running
// for the whole suite (as in a service), raw clients of both servers.
type outboxBench struct {
	db      *driver.Database
	hdb     *mongo.DB
	relay   *outbox.Relay
	admin   *kafka.Client
	kc      *kgo.Client // the raw producer
	brokers []string
	run     string
	topics  benchTopics
}

// benchOutbox runs the outbox suite on the servers of HEXKIT_MONGO_URI and
// HEXKIT_KAFKA_BROKERS.
func benchOutbox(ctx context.Context, r *reporter) error {
	uri, brokers := os.Getenv("HEXKIT_MONGO_URI"), os.Getenv("HEXKIT_KAFKA_BROKERS")
	if uri == "" || brokers == "" {
		return errors.New("HEXKIT_MONGO_URI and HEXKIT_KAFKA_BROKERS must be set (eval \"$(scripts/servers env)\")")
	}
	b := &outboxBench{brokers: strings.Split(brokers, ","), run: fmt.Sprint(time.Now().UnixNano())}
	cl, err := driver.Connect(options.Client().ApplyURI(uri).SetTimeout(time.Minute).
		SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true}))
	if err != nil {
		return err
	}
	defer func() { _ = cl.Disconnect(context.Background()) }()
	b.db = cl.Database(benchPrefix + "outbox-" + b.run)
	defer func() { _ = b.db.Drop(context.Background()) }()
	if b.hdb, err = mongo.New(b.db); err != nil {
		return err
	}
	if b.admin, err = kafka.Open(ctx, kafka.Config{Brokers: b.brokers, ServiceName: "bench-outbox"}); err != nil {
		return err
	}
	defer b.admin.Close(context.WithoutCancel(ctx))
	b.topics.admin = b.admin
	defer b.topics.deleteAll()
	if b.kc, err = kgo.NewClient(rawOpts(b.brokers)...); err != nil {
		return err
	}
	defer b.kc.Close()
	snd, err := kafka.NewSender(b.admin)
	if err != nil {
		return err
	}
	// Batches of at most 50: FerretDB v1.24 (SQLite) deadlocks for good on
	// an update command of 100 statements or more (each holds one of its
	// 100 SQLite connections until the command ends), and a relay marks a
	// batch with one bulk write.
	if b.relay, err = mongo.NewRelay(b.hdb, snd, outbox.WithBatchSize(50)); err != nil {
		return err
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = b.relay.Run(runCtx) })
	defer wg.Wait()
	defer stop()

	if err := b.insert(ctx, r); err != nil {
		return err
	}
	if err := b.delay(ctx, r); err != nil {
		return err
	}
	return b.persistent(ctx, r)
}

func (b *outboxBench) topic(ctx context.Context, what string) (string, error) {
	name := fmt.Sprintf("bench-outbox-%s-%s", what, b.run)
	return name, b.topics.create(ctx, name, outboxTopicPartitions)
}

// settle returns once the relay has nothing left to publish: a pass (which
// waits for the one in progress) found nothing pending.
func (b *outboxBench) settle(ctx context.Context) error {
	for {
		n, err := b.relay.PublishPending(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
	}
}

// produce sends one record with the headers hexkit would give it and waits
// for its acknowledgement.
func (b *outboxBench) produce(ctx context.Context, topic, key, typ string, payload []byte) error {
	return b.kc.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte(key), Value: payload, Headers: []kgo.RecordHeader{
		{Key: events.HeaderType, Value: []byte(typ)},
		{Key: events.HeaderEventID, Value: []byte(events.NewEventID())},
		{Key: events.HeaderCorrelationID, Value: []byte(events.NewEventID())},
	}}).FirstErr()
}

// rawChange is the raw side of one change: InsertOne, then ProduceSync of
// the document's JSON.
func (b *outboxBench) rawChange(ctx context.Context, coll *driver.Collection, topic string, doc benchDoc) error {
	if _, err := coll.InsertOne(ctx, toRaw(doc)); err != nil {
		return err
	}
	payload, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return b.produce(ctx, topic, doc.ID, outbox.ChangeEventType, payload)
}

// insert is "outbox insert": outboxOps inserts through the outbox DAO and
// the time until the relay has published them, against as many InsertOne
// + ProduceSync pairs.
func (b *outboxBench) insert(ctx context.Context, r *reporter) error {
	topicH, err := b.topic(ctx, "insert-hexkit")
	if err != nil {
		return err
	}
	topicR, err := b.topic(ctx, "insert-raw")
	if err != nil {
		return err
	}
	d, err := mongo.NewOutboxDAO[benchDoc, string](ctx, b.hdb, "insert-hexkit", b.relay, topicH)
	if err != nil {
		return err
	}
	coll := b.db.Collection("insert-raw")
	var hRound, rRound int
	hexkit := func(ctx context.Context) (int, error) {
		hRound++
		for i := range outboxOps {
			if err := d.Insert(ctx, newBenchDoc(fmt.Sprintf("ob%d-%05d", hRound, i), -1)); err != nil {
				return 0, err
			}
		}
		return outboxOps, b.settle(ctx)
	}
	raw := func(ctx context.Context) (int, error) {
		rRound++
		for i := range outboxOps {
			if err := b.rawChange(ctx, coll, topicR, newBenchDoc(fmt.Sprintf("ob%d-%05d", rRound, i), -1)); err != nil {
				return 0, err
			}
		}
		return outboxOps, nil
	}
	return r.compare(ctx, "outbox insert", hexkit, raw)
}

// delay is "relay delay": the time from an outbox Insert returning to a
// franz-go consumer receiving its event, one change at a time, next to the
// time from a raw InsertOne returning to the consumer receiving the record
// of the ProduceSync that follows it.
func (b *outboxBench) delay(ctx context.Context, r *reporter) error {
	topic, err := b.topic(ctx, "delay")
	if err != nil {
		return err
	}
	d, err := mongo.NewOutboxDAO[benchDoc, string](ctx, b.hdb, "delay-hexkit", b.relay, topic)
	if err != nil {
		return err
	}
	coll := b.db.Collection("delay-raw")
	consumer, err := kgo.NewClient(append(rawOpts(b.brokers), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(time.Second))...)
	if err != nil {
		return err
	}
	defer consumer.Close()
	got := make(chan string, 64)
	cctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stop()
	wg.Go(func() {
		for cctx.Err() == nil {
			consumer.PollFetches(cctx).EachRecord(func(rec *kgo.Record) {
				select {
				case got <- string(rec.Key):
				case <-cctx.Done():
				}
			})
		}
	})
	// await returns once the consumer has received key.
	await := func(key string) error {
		timeout := time.After(time.Minute)
		for {
			select {
			case k := <-got:
				if k == key {
					return nil
				}
			case <-timeout:
				return fmt.Errorf("relay delay: the event of %s did not arrive within a minute", key)
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	var hexkit, raw []time.Duration
	for round := range max(r.rounds, 1) {
		for i := range outboxSamples {
			doc := newBenchDoc(fmt.Sprintf("raw%d-%05d", round, i), -1)
			if _, err := coll.InsertOne(ctx, toRaw(doc)); err != nil {
				return err
			}
			start := time.Now()
			payload, err := json.Marshal(doc)
			if err != nil {
				return err
			}
			if err := b.produce(ctx, topic, doc.ID, outbox.ChangeEventType, payload); err != nil {
				return err
			}
			if err := await(doc.ID); err != nil {
				return err
			}
			raw = append(raw, time.Since(start))
		}
		for i := range outboxSamples {
			doc := newBenchDoc(fmt.Sprintf("hexkit%d-%05d", round, i), -1)
			if err := d.Insert(ctx, doc); err != nil {
				return err
			}
			start := time.Now()
			if err := await(doc.ID); err != nil {
				return err
			}
			hexkit = append(hexkit, time.Since(start))
		}
	}
	return r.latency("relay delay", hexkit, raw)
}

// persistent is "persistent publish": outboxOps events published through a
// persistent publisher and the time until the relay has sent them, against
// as many raw InsertOne (the stored event) + ProduceSync pairs.
func (b *outboxBench) persistent(ctx context.Context, r *reporter) error {
	topicH, err := b.topic(ctx, "persistent-hexkit")
	if err != nil {
		return err
	}
	topicR, err := b.topic(ctx, "persistent-raw")
	if err != nil {
		return err
	}
	p, err := mongo.NewPersistentPublisher[benchEvent](ctx, b.hdb, "persistent-hexkit", b.relay, topicH)
	if err != nil {
		return err
	}
	coll := b.db.Collection("persistent-raw")
	data := strings.Repeat("x", 256)
	var hRound, rRound int
	hexkit := func(ctx context.Context) (int, error) {
		hRound++
		for i := range outboxOps {
			id := fmt.Sprintf("ev%d-%05d", hRound, i)
			if err := p.Publish(ctx, id, benchEvent{ID: id, Data: data}); err != nil {
				return 0, err
			}
		}
		return outboxOps, b.settle(ctx)
	}
	raw := func(ctx context.Context) (int, error) {
		rRound++
		for i := range outboxOps {
			id := fmt.Sprintf("ev%d-%05d", rRound, i)
			payload, err := json.Marshal(benchEvent{ID: id, Data: data})
			if err != nil {
				return 0, err
			}
			var doc bson.D // the payload as a document, as the persistent publisher stores it
			if err := bson.UnmarshalExtJSON(payload, false, &doc); err != nil {
				return 0, err
			}
			eventID := events.NewEventID()
			// The stored event, with the fields the persistent publisher keeps.
			if _, err := coll.InsertOne(ctx, bson.D{
				{Key: "_id", Value: eventID}, {Key: "topic", Value: topicR}, {Key: "payload", Value: doc},
				{Key: "key", Value: id}, {Key: "type_", Value: benchEvent{}.EventType()}, {Key: "event_id", Value: eventID},
				{Key: "headers", Value: bson.D{}}, {Key: "correlation_id", Value: events.NewEventID()},
				{Key: "created", Value: time.Now()}, {Key: "published", Value: false},
			}); err != nil {
				return 0, err
			}
			if err := b.produce(ctx, topicR, id, benchEvent{}.EventType(), payload); err != nil {
				return 0, err
			}
		}
		return outboxOps, nil
	}
	return r.compare(ctx, "persistent publish", hexkit, raw)
}
