package events_test

import (
	"context"
	"testing"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

// BenchmarkFailureHandlerOK measures what a FailureHandler adds in front of
// the router on the path every event takes: the retry-topic check, the
// wire-format check, the attempt number in the context and the panic
// guard. Compare with BenchmarkRoute.
func BenchmarkFailureHandlerOK(b *testing.B) {
	r := events.NewRouter()
	events.Handle(r, "bench", func(ctx context.Context, d events.Delivery[benchEvent]) error { return nil })
	fh, err := events.NewFailureHandler(r, "bench-svc", events.WithDLQ(discardSender{}))
	if err != nil {
		b.Fatal(err)
	}
	payload, err := events.JSONCodec[benchEvent]().Encode(newBenchEvent())
	if err != nil {
		b.Fatal(err)
	}
	m := &events.Message{Topic: "bench", Key: "order-123456", Type: "bench_event", EventID: events.NewEventID(),
		CorrelationID: hexkit.NewCorrelationID(), Payload: payload, Headers: map[string]string{"tenant": "t1"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := fh.HandleMessage(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}
