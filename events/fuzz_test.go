package events_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

type fuzzOrder struct {
	ID    string            `json:"id"`
	Total float64           `json:"total"`
	Items []string          `json:"items"`
	Meta  map[string]string `json:"meta"`
}

func (fuzzOrder) EventType() string { return "order_placed" }

// fuzzMessage builds a message from fuzzed fields.
func fuzzMessage(topic, typ, key, eventID, cid, hname, hvalue string, payload []byte) *events.Message {
	m := &events.Message{Topic: topic, Type: typ, Key: key, EventID: eventID, CorrelationID: cid,
		Payload: payload, Timestamp: time.Unix(1, 0)}
	if hname != "" {
		m.Headers = map[string]string{hname: hvalue}
	}
	return m
}

func addMessageSeeds(f *testing.F) {
	f.Add("orders", "order_placed", "k1", "0b9d8f4e-8a2f-4d3a-9c1e-2f6b7a8c9d0e", "5c1b2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "tenant", "t1",
		[]byte(`{"id":"o1","total":12.5,"items":["a"],"meta":{"x":"y"}}`))
	f.Add("orders", "order_placed", "", "", "", "", "", []byte(`{}`))
	f.Add("orders", "order_placed", "k", "not-a-uuid", "also-not", "type", "x", []byte(`[1,2]`))
	f.Add("orders", "", "k\xff", "", "", "h\x00", "v\xfe", []byte(`{"id":`))
	f.Add("other", "unknown_type", "k", "", "", "", "", []byte(`{"total":"NaN"}`))
	f.Add("orders", "order_placed", "k", "", "", "", "", []byte("{\"id\":\"\xff\"}"))
	f.Add("orders", "order_placed", "k", "", "", "", "", []byte(`{"total":1e400}`))
}

// FuzzDecode feeds arbitrary messages to Decode: it never panics, and a
// failure is the type mismatch or a *PayloadError wrapping
// ErrMalformedPayload.
func FuzzDecode(f *testing.F) {
	addMessageSeeds(f)
	f.Fuzz(func(t *testing.T, topic, typ, key, eventID, cid, hname, hvalue string, payload []byte) {
		m := fuzzMessage(topic, typ, key, eventID, cid, hname, hvalue, payload)
		d, err := events.Decode[fuzzOrder](m)
		if err == nil {
			if typ != (fuzzOrder{}).EventType() || d.Key != key || d.EventID != eventID {
				t.Fatalf("Decode = %+v for a message of type %q key %q id %q", d, typ, key, eventID)
			}
			return
		}
		var pe *events.PayloadError
		if typ == (fuzzOrder{}).EventType() && (!errors.As(err, &pe) || !errors.Is(err, events.ErrMalformedPayload)) {
			t.Fatalf("Decode of a %q message = %v, want nil or a *PayloadError wrapping ErrMalformedPayload", typ, err)
		}
	})
}

// FuzzRouter feeds arbitrary messages to a router with one handler: it
// never panics; a message it does not refuse reaches the handler or the
// unknown-type policy; a refusal wraps ErrInvalidMessage or
// ErrMalformedPayload, so the subscriber keeps the message instead of
// losing it.
func FuzzRouter(f *testing.F) {
	addMessageSeeds(f)
	f.Fuzz(func(t *testing.T, topic, typ, key, eventID, cid, hname, hvalue string, payload []byte) {
		handled, skipped := 0, 0
		r := events.NewRouter(events.WithLogger(slog.New(slog.DiscardHandler)),
			events.WithUnknownType(func(context.Context, *events.Message) error { skipped++; return nil }))
		events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[fuzzOrder]) error {
			handled++
			return nil
		})
		m := fuzzMessage(topic, typ, key, eventID, cid, hname, hvalue, payload)
		err := r.HandleMessage(context.Background(), m)
		switch {
		case err == nil:
			if handled+skipped != 1 {
				t.Fatalf("HandleMessage = nil with %d handler calls and %d skips, want exactly one of them", handled, skipped)
			}
		case errors.Is(err, events.ErrInvalidMessage), errors.Is(err, events.ErrMalformedPayload):
			if handled != 0 {
				t.Fatalf("HandleMessage refused the message (%v) after calling the handler", err)
			}
		default:
			t.Fatalf("HandleMessage = %v, want nil or an error wrapping ErrInvalidMessage or ErrMalformedPayload", err)
		}
	})
}
