package kafkatest

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// Expected is an event a test expects on a topic.
type Expected struct {
	Type string
	Key  string
	// Payload is compared as JSON, so key order and white space do not
	// matter: a []byte, json.RawMessage or string holding JSON, or any
	// value that encoding/json marshals (a struct with json tags, a map).
	Payload any
	// Headers are the expected user headers; nil means "not compared".
	Headers map[string]string
}

// Event builds the expectation of publishing e under key: its type and
// its JSON encoding (the default codec).
func Event(key string, e events.Event) Expected {
	return Expected{Type: e.EventType(), Key: key, Payload: e}
}

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
// are exactly want. Order is compared per key: Kafka orders records within
// a partition, and a key always maps to one partition.
func (r *Recording) Expect(tb testing.TB, want ...Expected) {
	tb.Helper()
	got := r.Records(tb)
	type event struct {
		Type, Key string
		Payload   any
		Headers   map[string]string
	}
	compareHeaders := false
	for _, w := range want {
		compareHeaders = compareHeaders || w.Headers != nil
	}
	gotEvents := make([]event, len(got))
	for i, g := range got {
		gotEvents[i] = event{Type: g.Message.Type, Key: g.Message.Key, Payload: jsonValue(tb, g.Message.Payload)}
		if compareHeaders {
			gotEvents[i].Headers = g.Message.Headers
		}
	}
	wantEvents := make([]event, len(want))
	for i, w := range want {
		wantEvents[i] = event{Type: w.Type, Key: w.Key, Payload: jsonValue(tb, w.Payload), Headers: w.Headers}
	}
	byKey := func(a, b event) int { return strings.Compare(a.Key, b.Key) }
	slices.SortStableFunc(gotEvents, byKey)
	slices.SortStableFunc(wantEvents, byKey)
	if diff := cmp.Diff(wantEvents, gotEvents, cmp.Comparer(func(a, b map[string]string) bool {
		return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b))
	})); diff != "" {
		tb.Errorf("kafkatest: events on topic %s differ (-want +got):\n%s", r.topic, diff)
	}
}

// ExpectEvents runs fn and fails tb unless the events produced to topic
// while fn ran are exactly want (see [Recording.Expect]). fn must return
// only after its publishing has finished, as kafka.Publisher.Send does.
func (b *Broker) ExpectEvents(tb testing.TB, topic string, fn func(), want ...Expected) {
	tb.Helper()
	rec := b.Record(tb, topic)
	fn()
	rec.Expect(tb, want...)
}

// jsonValue normalizes a payload for comparison: JSON text is decoded,
// other values are encoded and decoded, invalid JSON stays a string.
func jsonValue(tb testing.TB, v any) any {
	tb.Helper()
	var raw []byte
	switch p := v.(type) {
	case nil:
		return nil
	case []byte:
		raw = p
	case json.RawMessage:
		raw = p
	case string:
		raw = []byte(p)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatalf("kafkatest: expected payload %T does not encode as JSON: %v", v, err)
		}
		raw = b
	}
	var out any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return string(raw)
	}
	return out
}
