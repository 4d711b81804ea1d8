package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

type orderPlaced struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

func (orderPlaced) EventType() string { return "order_placed" }

type orderCanceled struct {
	ID string `json:"id"`
}

func (orderCanceled) EventType() string { return "order_canceled" }

// listEvent encodes to a JSON array, which the wire format forbids.
type listEvent []int

func (listEvent) EventType() string { return "list" }

// chanEvent cannot be encoded by encoding/json.
type chanEvent struct {
	C chan int `json:"c"`
}

func (chanEvent) EventType() string { return "chan" }

// ptrEvent names its type on a pointer receiver, which the zero value (a
// nil pointer) cannot call safely.
type ptrEvent struct{ p *int }

func (e *ptrEvent) EventType() string { _ = *e.p; return "ptr" }

type noTypeEvent struct{}

func (noTypeEvent) EventType() string { return "" }

// recordingSender records what it is asked to send and fails the messages
// whose key is in fail.
type recordingSender struct {
	sent [][]*events.Message
	fail map[string]error
}

func (s *recordingSender) Send(ctx context.Context, msgs []*driver.Message, errs []error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sent := make([]*events.Message, len(msgs))
	for i, dm := range msgs {
		m := (*events.Message)(dm)
		if err := m.Validate(); err != nil {
			panic(fmt.Sprintf("publisher sent an invalid message: %v", err))
		}
		sent[i] = m
		errs[i] = s.fail[m.Key]
	}
	s.sent = append(s.sent, sent)
	return nil
}

func (s *recordingSender) all() []*events.Message {
	var out []*events.Message
	for _, b := range s.sent {
		out = append(out, b...)
	}
	return out
}

func TestNewPublisherErrors(t *testing.T) {
	s := &recordingSender{}
	if _, err := events.NewPublisher[orderPlaced](nil, "orders"); err == nil {
		t.Error("NewPublisher(nil sender) succeeded")
	}
	if _, err := events.NewPublisher[orderPlaced](s, "bestellungen-ä"); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("NewPublisher(non-ASCII topic) = %v, want ErrInvalidMessage", err)
	}
	if _, err := events.NewPublisher[orderPlaced](s, ""); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("NewPublisher(empty topic) = %v, want ErrInvalidMessage", err)
	}
	if _, err := events.NewPublisher[*ptrEvent](s, "t"); err == nil {
		t.Error("NewPublisher for a type whose zero value panics in EventType succeeded")
	}
	if _, err := events.NewPublisher[noTypeEvent](s, "t"); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("NewPublisher for an empty event type = %v, want ErrInvalidMessage", err)
	}
	if _, err := events.NewPublisher[orderPlaced](s, "t", events.WithCodec(events.JSONCodec[orderCanceled]())); err == nil {
		t.Error("NewPublisher with a codec of another type succeeded")
	}
}

func TestPublish(t *testing.T) {
	s := &recordingSender{}
	p, err := events.NewPublisher[orderPlaced](s, "orders")
	if err != nil {
		t.Fatal(err)
	}
	cid := hexkit.NewCorrelationID()
	id := events.NewEventID()
	ctx := hexkit.WithCorrelationID(context.Background(), cid)
	err = p.Publish(ctx, "order-1", orderPlaced{ID: "order-1", Total: 42},
		events.WithHeaders(map[string]string{"a": "1", "b": "1"}), events.WithHeaders(map[string]string{"b": "2"}), events.WithEventID(id))
	if err != nil {
		t.Fatalf("Publish = %v", err)
	}
	want := []*events.Message{{
		Topic: "orders", Key: "order-1", Type: "order_placed", EventID: id, CorrelationID: cid,
		Headers: map[string]string{"a": "1", "b": "2"}, Payload: []byte(`{"id":"order-1","total":42}`),
	}}
	if diff := cmp.Diff(want, s.all()); diff != "" {
		t.Errorf("sent message (-want +got):\n%s", diff)
	}

	// Without a correlation id in ctx, one is generated; event ids are fresh.
	if err := p.Publish(context.Background(), "", orderPlaced{}); err != nil {
		t.Fatalf("Publish without correlation id = %v", err)
	}
	m := s.all()[1]
	if err := hexkit.ValidateCorrelationID(m.CorrelationID); err != nil || m.CorrelationID == cid {
		t.Errorf("generated correlation id %q: %v", m.CorrelationID, err)
	}
	if m.EventID == id || m.Headers != nil {
		t.Errorf("second message reuses event id or headers: %+v", m)
	}
}

func TestPublishRejectsBeforeSending(t *testing.T) {
	ctx := hexkit.WithCorrelationID(context.Background(), hexkit.NewCorrelationID())
	tests := []struct {
		name    string
		publish func(s driver.Sender) error
		field   string // ValidationError field; "" for a PayloadError
	}{
		{"non-ASCII key", func(s driver.Sender) error {
			p, _ := events.NewPublisher[orderPlaced](s, "orders")
			return p.Publish(ctx, "schlüssel", orderPlaced{})
		}, "key"},
		{"reserved header", func(s driver.Sender) error {
			p, _ := events.NewPublisher[orderPlaced](s, "orders")
			return p.Publish(ctx, "k", orderPlaced{}, events.WithHeaders(map[string]string{"correlation_id": "x"}))
		}, "header"},
		{"bad event id", func(s driver.Sender) error {
			p, _ := events.NewPublisher[orderPlaced](s, "orders")
			return p.Publish(ctx, "k", orderPlaced{}, events.WithEventID("1234"))
		}, "event_id"},
		{"invalid correlation id in ctx", func(s driver.Sender) error {
			p, _ := events.NewPublisher[orderPlaced](s, "orders")
			return p.Publish(hexkit.WithCorrelationID(context.Background(), "nope"), "k", orderPlaced{})
		}, "correlation_id"},
		{"strict without correlation id", func(s driver.Sender) error {
			p, _ := events.NewPublisher[orderPlaced](s, "orders", events.WithStrictCorrelationID())
			return p.Publish(context.Background(), "k", orderPlaced{})
		}, "correlation_id"},
		{"payload not an object", func(s driver.Sender) error {
			p, _ := events.NewPublisher[listEvent](s, "lists")
			return p.Publish(ctx, "k", listEvent{1, 2})
		}, ""},
		{"payload not encodable", func(s driver.Sender) error {
			p, _ := events.NewPublisher[chanEvent](s, "chans")
			return p.Publish(ctx, "k", chanEvent{C: make(chan int)})
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &recordingSender{}
			err := tt.publish(s)
			if !errors.Is(err, events.ErrInvalidMessage) {
				t.Errorf("error %v does not wrap ErrInvalidMessage", err)
			}
			if tt.field != "" {
				var ve *events.ValidationError
				if !errors.As(err, &ve) || ve.Field != tt.field {
					t.Errorf("error %v is not a ValidationError on %s", err, tt.field)
				}
			} else {
				var pe *events.PayloadError
				if !errors.Is(err, events.ErrMalformedPayload) || !errors.As(err, &pe) || pe.Op != "encode" {
					t.Errorf("error %v is not an encode PayloadError wrapping ErrMalformedPayload", err)
				}
			}
			if n := len(s.all()); n != 0 {
				t.Errorf("%d messages sent, want none", n)
			}
		})
	}
}

func TestPublishErrors(t *testing.T) {
	transport := errors.New("broker unreachable")
	s := &recordingSender{fail: map[string]error{"down": transport}}
	p, _ := events.NewPublisher[orderPlaced](s, "orders")
	if err := p.Publish(context.Background(), "down", orderPlaced{}); err != transport {
		t.Errorf("Publish = %v, want the transport's error for the one message, unwrapped", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Publish(ctx, "k", orderPlaced{}); err != context.Canceled {
		t.Errorf("Publish(canceled) = %v, want context.Canceled unwrapped", err)
	}
	if err := p.PublishBatch(ctx, events.Keyed[orderPlaced]{Key: "k"}); err != context.Canceled {
		t.Errorf("PublishBatch(canceled) = %v, want context.Canceled unwrapped", err)
	}
}

func TestPublishBatch(t *testing.T) {
	transport := errors.New("partition offline")
	s := &recordingSender{fail: map[string]error{"down": transport}}
	p, _ := events.NewPublisher[orderPlaced](s, "orders")
	ctx := context.Background()
	if err := p.PublishBatch(ctx); err != nil || len(s.sent) != 0 {
		t.Errorf("empty PublishBatch = %v and sent %d calls; want nil, nothing", err, len(s.sent))
	}
	err := p.PublishBatch(ctx,
		events.Keyed[orderPlaced]{Key: "a", Event: orderPlaced{ID: "a"}, Headers: map[string]string{"h": "v"}},
		events.Keyed[orderPlaced]{Key: "bä", Event: orderPlaced{ID: "b"}},
		events.Keyed[orderPlaced]{Key: "down", Event: orderPlaced{ID: "c"}},
		events.Keyed[orderPlaced]{Key: "d", Event: orderPlaced{ID: "d"}},
	)
	var be *events.BatchError
	if !errors.As(err, &be) || len(be.Errs) != 4 {
		t.Fatalf("PublishBatch = %v, want a BatchError of 4", err)
	}
	if be.Errs[0] != nil || !errors.Is(be.Errs[1], events.ErrInvalidMessage) || be.Errs[2] != transport || be.Errs[3] != nil {
		t.Errorf("per-event errors = %v; want [nil, invalid key, transport, nil]", be.Errs)
	}
	var keys []string
	for _, m := range s.all() {
		keys = append(keys, m.Key)
	}
	if diff := cmp.Diff([]string{"a", "down", "d"}, keys); diff != "" {
		t.Errorf("sent keys (-want +got):\n%s", diff)
	}
	if err := p.PublishBatch(ctx, events.Keyed[orderPlaced]{Key: "x"}, events.Keyed[orderPlaced]{Key: "y"}); err != nil {
		t.Errorf("valid PublishBatch = %v", err)
	}
}

// upperCodec is a custom codec that stores the ID in a different shape.
type upperCodec struct{}

func (upperCodec) Encode(e orderPlaced) ([]byte, error) {
	return json.Marshal(map[string]any{"ID": e.ID, "TOTAL": e.Total})
}

func (upperCodec) Decode(b []byte) (orderPlaced, error) {
	var v struct {
		ID    string
		Total int `json:"TOTAL"`
	}
	err := json.Unmarshal(b, &v)
	return orderPlaced{ID: v.ID, Total: v.Total}, err
}

func TestCustomCodec(t *testing.T) {
	s := &recordingSender{}
	p, err := events.NewPublisher[orderPlaced](s, "orders", events.WithCodec[orderPlaced](upperCodec{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Publish(context.Background(), "k", orderPlaced{ID: "x", Total: 3}); err != nil {
		t.Fatal(err)
	}
	m := s.all()[0]
	if string(m.Payload) != `{"ID":"x","TOTAL":3}` {
		t.Errorf("payload %s, want the custom codec's", m.Payload)
	}
	r := events.NewRouter()
	var got orderPlaced
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		got = d.Event
		return nil
	}, events.WithCodec[orderPlaced](upperCodec{}))
	if err := r.HandleMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(orderPlaced{ID: "x", Total: 3}, got); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}

func TestJSONCodec(t *testing.T) {
	c := events.JSONCodec[orderPlaced]()
	for _, payload := range []string{``, `null`, `[]`, `"s"`, `12`, `{"id":`, `{"total":"x"}`} {
		if _, err := c.Decode([]byte(payload)); err == nil {
			t.Errorf("Decode(%q) succeeded", payload)
		}
	}
	got, err := c.Decode([]byte(" \n{\"id\":\"a\",\"total\":1,\"extra\":true}"))
	if err != nil || got != (orderPlaced{ID: "a", Total: 1}) {
		t.Errorf("Decode = %v, %v", got, err)
	}
}
