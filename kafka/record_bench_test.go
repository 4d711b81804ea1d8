package kafka

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

func benchMessages(n int) []*driver.Message {
	payload := []byte(`{"id":"order-1","note":"` + strings.Repeat("x", 1000) + `"}`)
	msgs := make([]*driver.Message, n)
	for i := range msgs {
		msgs[i] = &driver.Message{Topic: "orders", Key: "order-1", Type: "order_placed",
			EventID: events.NewEventID(), CorrelationID: events.NewEventID(), Payload: payload}
	}
	return msgs
}

// BenchmarkEncodeRecords measures validation and translation of a batch of
// 1000 messages into records, per message.
func BenchmarkEncodeRecords(b *testing.B) {
	msgs := benchMessages(1000)
	errs := make([]error, len(msgs))
	b.ReportAllocs()
	for b.Loop() {
		for i, m := range msgs {
			errs[i] = (*events.Message)(m).Validate()
		}
		_ = encodeRecords(msgs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/msg")
}

// BenchmarkRawRecords is the raw franz-go equivalent of
// BenchmarkEncodeRecords: building the records by hand.
func BenchmarkRawRecords(b *testing.B) {
	msgs := benchMessages(1000)
	recs := make([]*kgo.Record, len(msgs))
	b.ReportAllocs()
	for b.Loop() {
		for i, m := range msgs {
			recs[i] = &kgo.Record{Topic: m.Topic, Key: []byte(m.Key), Value: m.Payload, Headers: []kgo.RecordHeader{
				{Key: events.HeaderType, Value: []byte(m.Type)},
				{Key: events.HeaderEventID, Value: []byte(m.EventID)},
				{Key: events.HeaderCorrelationID, Value: []byte(m.CorrelationID)},
			}}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(msgs)), "ns/msg")
}

// BenchmarkDecodeBatch measures turning 1000 consumed records into
// messages, per record.
func BenchmarkDecodeBatch(b *testing.B) {
	recs := encodeRecords(benchMessages(1000))
	ptrs := make([]*kgo.Record, len(recs))
	for i := range recs {
		ptrs[i] = &recs[i]
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := decodeBatch(ptrs); errs != nil {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/msg")
}
