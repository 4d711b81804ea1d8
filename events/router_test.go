package events_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
)

func message(topic, typ, payload string) *events.Message {
	return &events.Message{
		Topic: topic, Key: "k", Type: typ, EventID: events.NewEventID(), CorrelationID: hexkit.NewCorrelationID(),
		Headers: map[string]string{"h": "v"}, Payload: []byte(payload), Timestamp: time.Unix(1700000000, 0),
	}
}

func TestRouterDispatch(t *testing.T) {
	var placed []events.Delivery[orderPlaced]
	var canceled []orderCanceled
	var ctxCIDs []string
	r := events.NewRouter()
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		cid, _ := hexkit.CorrelationID(ctx)
		ctxCIDs = append(ctxCIDs, cid)
		placed = append(placed, d)
		return nil
	})
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderCanceled]) error {
		canceled = append(canceled, d.Event)
		return nil
	})
	events.Handle(r, "archive", func(ctx context.Context, d events.Delivery[orderPlaced]) error { return nil })
	if diff := cmp.Diff([]string{"archive", "orders"}, r.Topics()); diff != "" {
		t.Errorf("Topics (-want +got):\n%s", diff)
	}

	m := message("orders", "order_placed", `{"id":"o1","total":7}`)
	if err := r.HandleMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if err := r.HandleMessage(context.Background(), message("orders", "order_canceled", `{"id":"o2"}`)); err != nil {
		t.Fatal(err)
	}
	want := []events.Delivery[orderPlaced]{{
		Event: orderPlaced{ID: "o1", Total: 7}, Topic: "orders", Key: "k", Type: "order_placed",
		EventID: m.EventID, CorrelationID: m.CorrelationID, Headers: map[string]string{"h": "v"}, Timestamp: m.Timestamp,
	}}
	if diff := cmp.Diff(want, placed); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]orderCanceled{{ID: "o2"}}, canceled); diff != "" {
		t.Errorf("canceled (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{m.CorrelationID}, ctxCIDs); diff != "" {
		t.Errorf("correlation id in ctx (-want +got):\n%s", diff)
	}
}

func TestRouterHandlerError(t *testing.T) {
	boom := errors.New("boom")
	r := events.NewRouter()
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error { return boom })
	if err := r.HandleMessage(context.Background(), message("orders", "order_placed", `{}`)); err != boom {
		t.Errorf("HandleMessage = %v, want the handler's error unchanged", err)
	}
}

func TestRouterUnknownType(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := events.NewRouter(events.WithLogger(logger))
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		t.Error("handler called for another type")
		return nil
	})
	for _, m := range []*events.Message{message("orders", "order_shipped", `not even JSON`), message("other", "order_placed", `{}`)} {
		if err := r.HandleMessage(context.Background(), m); err != nil {
			t.Errorf("HandleMessage(%s/%s) = %v, want nil: unknown types are acknowledged by default", m.Topic, m.Type, err)
		}
	}
	if !strings.Contains(logs.String(), "order_shipped") || !strings.Contains(logs.String(), "level=DEBUG") {
		t.Errorf("no debug record about the skipped event: %q", logs.String())
	}

	refuse := errors.New("refused")
	var seen []string
	r = events.NewRouter(events.WithUnknownType(func(ctx context.Context, m *events.Message) error {
		seen = append(seen, m.Type)
		return refuse
	}))
	if err := r.HandleMessage(context.Background(), message("orders", "order_shipped", `{}`)); err != refuse {
		t.Errorf("HandleMessage with hook = %v, want the hook's error", err)
	}
	if diff := cmp.Diff([]string{"order_shipped"}, seen); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
}

func TestRouterRefusesBadMessages(t *testing.T) {
	r := events.NewRouter()
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		t.Errorf("handler called for a bad message: %+v", d)
		return nil
	})
	for _, payload := range []string{`{"id":`, `[1]`, `null`, ``, `{"total":"seven"}`} {
		m := message("orders", "order_placed", payload)
		err := r.HandleMessage(context.Background(), m)
		var pe *events.PayloadError
		if !errors.Is(err, events.ErrMalformedPayload) || !errors.As(err, &pe) || pe.EventID != m.EventID || pe.Op != "decode" {
			t.Errorf("payload %q: HandleMessage = %v, want a decode PayloadError for event %s", payload, err, m.EventID)
		}
		if errors.Is(err, events.ErrInvalidMessage) {
			t.Errorf("payload %q: a delivery-side PayloadError must not claim ErrInvalidMessage", payload)
		}
	}
	err := r.HandleMessage(context.Background(), message("orders", "", `{}`))
	var ve *events.ValidationError
	if !errors.As(err, &ve) || ve.Field != "type" {
		t.Errorf("HandleMessage without type = %v, want a ValidationError on type", err)
	}
}

func TestRouterCorrelationID(t *testing.T) {
	var got []string
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	r := events.NewRouter(events.WithLogger(logger))
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		cid, _ := hexkit.CorrelationID(ctx)
		if cid != d.CorrelationID {
			t.Errorf("ctx correlation id %q != delivery's %q", cid, d.CorrelationID)
		}
		got = append(got, d.CorrelationID)
		return nil
	})
	for _, cid := range []string{"", "not-a-uuid"} {
		m := message("orders", "order_placed", `{}`)
		m.CorrelationID = cid
		if err := r.HandleMessage(context.Background(), m); err != nil {
			t.Fatalf("lenient router, correlation id %q: %v", cid, err)
		}
		if m.CorrelationID != cid {
			t.Errorf("the router modified the provider's message")
		}
	}
	for _, cid := range got {
		if err := hexkit.ValidateCorrelationID(cid); err != nil {
			t.Errorf("generated correlation id: %v", err)
		}
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "not-a-uuid") {
		t.Errorf("no warning about the replaced correlation id: %q", logs.String())
	}

	strict := events.NewRouter(events.WithStrictCorrelationID())
	events.Handle(strict, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error { return nil })
	m := message("orders", "order_placed", `{}`)
	m.CorrelationID = ""
	if err := strict.HandleMessage(context.Background(), m); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("strict router without correlation id = %v, want ErrInvalidMessage", err)
	}
}

func TestRouterMiddleware(t *testing.T) {
	var order []string
	mw := func(name string) events.Middleware {
		return func(next events.MessageHandler) events.MessageHandler {
			return events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
				if _, ok := hexkit.CorrelationID(ctx); !ok {
					t.Errorf("middleware %s runs without correlation id in ctx", name)
				}
				order = append(order, name+">")
				err := next.HandleMessage(ctx, m)
				order = append(order, "<"+name)
				return err
			})
		}
	}
	r := events.NewRouter(events.WithMiddleware(mw("a"), mw("b")))
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		order = append(order, "handler")
		return nil
	})
	if err := r.HandleMessage(context.Background(), message("orders", "order_placed", `{}`)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a>", "b>", "handler", "<b", "<a"}, order); diff != "" {
		t.Errorf("middleware order (-want +got):\n%s", diff)
	}
}

func TestHandlePanicsOnSetupErrors(t *testing.T) {
	ok := func(ctx context.Context, d events.Delivery[orderPlaced]) error { return nil }
	tests := []struct {
		name string
		fn   func(r *events.Router)
	}{
		{"duplicate", func(r *events.Router) { events.Handle(r, "orders", ok); events.Handle(r, "orders", ok) }},
		{"bad topic", func(r *events.Router) { events.Handle(r, "", ok) }},
		{"nil handler", func(r *events.Router) { events.Handle[orderPlaced](r, "orders", nil) }},
		{"zero value cannot name type", func(r *events.Router) {
			events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[*ptrEvent]) error { return nil })
		}},
		{"codec of another type", func(r *events.Router) {
			events.Handle(r, "orders", ok, events.WithCodec(events.JSONCodec[orderCanceled]()))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("Handle did not panic")
				}
			}()
			tt.fn(events.NewRouter())
		})
	}
}

// A handler's log records carry the event's correlation id when the
// service logs through hexkit's handler.
func TestHandlerLogsCarryCorrelationID(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(hexkit.NewLogHandler(slog.NewTextHandler(&buf, nil), "svc", "1"))
	r := events.NewRouter()
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error {
		logger.InfoContext(ctx, "handling order", "id", d.Event.ID)
		return nil
	})
	m := message("orders", "order_placed", `{"id":"o1"}`)
	if err := r.HandleMessage(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "correlation_id="+m.CorrelationID) {
		t.Errorf("log record %q lacks correlation_id=%s", buf.String(), m.CorrelationID)
	}
}

// Under strict correlation ids the refusal happens inside the middleware,
// so failure handling there sees it.
func TestStrictRefusalSeenByMiddleware(t *testing.T) {
	var seen error
	mw := func(next events.MessageHandler) events.MessageHandler {
		return events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
			seen = next.HandleMessage(ctx, m)
			return seen
		})
	}
	r := events.NewRouter(events.WithStrictCorrelationID(), events.WithMiddleware(mw))
	events.Handle(r, "orders", func(ctx context.Context, d events.Delivery[orderPlaced]) error { return nil })
	m := message("orders", "order_placed", `{}`)
	m.CorrelationID = "bad"
	ctx := hexkit.WithCorrelationID(context.Background(), hexkit.NewCorrelationID())
	err := r.HandleMessage(ctx, m)
	var ve *events.ValidationError
	if !errors.As(err, &ve) || ve.Field != events.HeaderCorrelationID || seen != err {
		t.Errorf("HandleMessage = %v, middleware saw %v; want the same ValidationError on correlation_id", err, seen)
	}
}

func TestDecode(t *testing.T) {
	m := message("orders", "order_placed", `{"id":"o1","total":3}`)
	d, err := events.Decode[orderPlaced](m)
	if err != nil || d.Event != (orderPlaced{ID: "o1", Total: 3}) || d.EventID != m.EventID || d.Headers["h"] != "v" {
		t.Errorf("Decode = %+v, %v", d, err)
	}
	if _, err := events.Decode[orderCanceled](m); err == nil {
		t.Error("Decode into another event type succeeded")
	}
	m.Payload = []byte(`{"id":`)
	if _, err := events.Decode[orderPlaced](m); !errors.Is(err, events.ErrMalformedPayload) {
		t.Errorf("Decode of a bad payload = %v, want ErrMalformedPayload", err)
	}
	if _, err := events.Decode[orderPlaced](m, events.WithCodec(events.JSONCodec[orderCanceled]())); err == nil {
		t.Error("Decode with a codec of another type succeeded")
	}
}
