package events_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// benchEvent is about 1 KiB of JSON, like the Kafka benchmark's events.
type benchEvent struct {
	ID     string   `json:"id"`
	Amount int      `json:"amount"`
	Note   string   `json:"note"`
	Tags   []string `json:"tags"`
}

func (benchEvent) EventType() string { return "bench_event" }

func newBenchEvent() benchEvent {
	return benchEvent{ID: "order-123456", Amount: 4200, Note: strings.Repeat("x", 900), Tags: []string{"a", "b", "c"}}
}

type discardSender struct{}

func (discardSender) Send(ctx context.Context, msgs ...*events.Message) error { return nil }

// discardDriver is a driver that accepts and drops every message.
type discardDriver struct{}

func (discardDriver) Send(context.Context, []*driver.Message, []error) error { return nil }

// BenchmarkPublishEncode measures the protocol's publish path without a
// transport: encode, stamp ids, validate.
func BenchmarkPublishEncode(b *testing.B) {
	p, err := events.NewPublisher[benchEvent](discardDriver{}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	ctx := hexkit.WithCorrelationID(context.Background(), hexkit.NewCorrelationID())
	e := newBenchEvent()
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Publish(ctx, "order-123456", e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoute measures the router's delivery path: correlation id into
// the context, dispatch by type, decode, typed handler call.
func BenchmarkRoute(b *testing.B) {
	r := events.NewRouter()
	events.Handle(r, "bench", func(ctx context.Context, d events.Delivery[benchEvent]) error { return nil })
	events.Handle(r, "bench", func(ctx context.Context, d events.Delivery[orderPlaced]) error { return nil })
	payload, err := events.JSONCodec[benchEvent]().Encode(newBenchEvent())
	if err != nil {
		b.Fatal(err)
	}
	m := &events.Message{Topic: "bench", Key: "order-123456", Type: "bench_event", EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: payload}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.HandleMessage(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode compares the JSON codec's decoding of a 1 KiB event with
// encoding/json's Unmarshal of the same payload into the same type.
func BenchmarkDecode(b *testing.B) {
	codec := events.JSONCodec[benchEvent]()
	payload, err := codec.Encode(newBenchEvent())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("codec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := codec.Decode(payload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var e benchEvent
			if err := json.Unmarshal(payload, &e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
