package kafkatest

import (
	"context"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/eventstest"
)

// Expected is an event a test expects on a topic; it is the expectation
// of package eventstest, so the same values serve tests on any provider.
// Headers nil means "not compared" for that expectation.
type Expected = eventstest.Expected

// Event builds the expectation of publishing e under key: its type and
// its JSON encoding (the default codec).
func Event(key string, e events.Event) Expected { return eventstest.Event(key, e) }

// Recorded is one record seen on a topic, decoded like a subscriber does.
type Recorded struct {
	Partition int32
	Offset    int64
	Message   events.Message
}

// Recording remembers a topic's end offsets so that the records produced
// afterwards can be read back.
type Recording struct {
	b     *Broker
	topic string
	start map[int32]int64
}

// Record starts a recording of topic: [Recording.Records] returns what
// was produced to it from now on.
func (b *Broker) Record(tb testing.TB, topic string) *Recording {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := map[int32]int64{}
	for p, o := range b.endOffsets(tb, ctx, topic)[topic] {
		start[p] = o.Offset
	}
	return &Recording{b: b, topic: topic, start: start}
}

// Records returns the records produced to the topic since the recording
// started, up to the current end, ordered by partition and offset.
func (r *Recording) Records(tb testing.TB) []Recorded {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ends := r.b.endOffsets(tb, ctx, r.topic)[r.topic]
	offsets := map[int32]kgo.Offset{}
	remaining := map[int32]int64{}
	for p, end := range ends {
		from := r.start[p]
		if end.Offset > from {
			offsets[p] = kgo.NewOffset().At(from)
			remaining[p] = end.Offset
		}
	}
	if len(offsets) == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.b.addrs...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{r.topic: offsets}))
	if err != nil {
		tb.Fatalf("kafkatest: consumer: %v", err)
	}
	defer cl.Close()
	var got []Recorded
	for len(remaining) > 0 {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			tb.Fatalf("kafkatest: reading %s: %v (still waiting for partitions %v)", r.topic, err, remaining)
		}
		fetches.EachError(func(_ string, p int32, err error) {
			tb.Fatalf("kafkatest: reading %s/%d: %v", r.topic, p, err)
		})
		fetches.EachRecord(func(rec *kgo.Record) {
			end, ok := remaining[rec.Partition]
			if !ok || rec.Offset >= end {
				return
			}
			got = append(got, Recorded{Partition: rec.Partition, Offset: rec.Offset, Message: messageOf(rec)})
			if rec.Offset+1 >= end {
				delete(remaining, rec.Partition)
			}
		})
	}
	slices.SortFunc(got, func(a, b Recorded) int {
		if a.Partition != b.Partition {
			return int(a.Partition - b.Partition)
		}
		return int(a.Offset - b.Offset)
	})
	return got
}

// Messages returns every message in topic, from the start of its log to
// its current end, partition after partition, each in offset order,
// decoded as [Recording.Records] decodes them. With it a *Broker is the
// broker of the outbox conformance suite (outboxtest.Broker).
func (b *Broker) Messages(tb testing.TB, topic string) []*events.Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	starts, err := b.adm.ListStartOffsets(ctx, topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		tb.Fatalf("kafkatest: start offsets of %s: %v", topic, err)
	}
	start := map[int32]int64{}
	for p, o := range starts[topic] {
		start[p] = o.Offset
	}
	got := (&Recording{b: b, topic: topic, start: start}).Records(tb)
	out := make([]*events.Message, len(got))
	for i := range got {
		out[i] = &got[i].Message
	}
	return out
}

// messageOf decodes a record leniently: a test wants to see what is there.
func messageOf(r *kgo.Record) events.Message {
	m := events.Message{Topic: r.Topic, Key: string(r.Key), Payload: r.Value, Timestamp: r.Timestamp}
	for _, h := range r.Headers {
		switch h.Key {
		case events.HeaderType:
			m.Type = string(h.Value)
		case events.HeaderEventID:
			m.EventID = string(h.Value)
		case events.HeaderCorrelationID:
			m.CorrelationID = string(h.Value)
		default:
			if m.Headers == nil {
				m.Headers = map[string]string{}
			}
			m.Headers[h.Key] = string(h.Value)
		}
	}
	return m
}

// Expect fails tb unless the records produced since the recording started
// are exactly want, as eventstest.CompareEvents compares them: order per
// key (Kafka orders records within a partition, and a key always maps to
// one partition), payloads as JSON, headers only where an expectation sets
// them.
func (r *Recording) Expect(tb testing.TB, want ...Expected) {
	tb.Helper()
	got := r.Records(tb)
	msgs := make([]*events.Message, len(got))
	for i := range got {
		msgs[i] = &got[i].Message
	}
	eventstest.CompareEvents(tb, msgs, want...)
}

// ExpectEvents runs fn and fails tb unless the events produced to topic
// while fn ran are exactly want (see [Recording.Expect]). fn must return
// only after its publishing has finished, as Publish does.
func (b *Broker) ExpectEvents(tb testing.TB, topic string, fn func(), want ...Expected) {
	tb.Helper()
	rec := b.Record(tb, topic)
	fn()
	rec.Expect(tb, want...)
}
