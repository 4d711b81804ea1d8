package events

import (
	"errors"
	"strings"
	"testing"
)

func validMessage() *Message {
	return &Message{
		Topic: "orders", Key: "order-1", Type: "order_placed",
		EventID:       "0b4c2a6e-3f1d-4e8a-9b7c-5d2e1f0a3b4c",
		CorrelationID: "1c5d3b7f-4a2e-4f9b-8c8d-6e3f2a1b4c5d",
		Headers:       map[string]string{"tenant": "t1"},
		Payload:       []byte(`{"id":"order-1"}`),
	}
}

func TestMessageValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Message)
		field  string // "" = valid
	}{
		{"valid", func(*Message) {}, ""},
		{"empty key", func(m *Message) { m.Key = "" }, ""},
		{"empty topic", func(m *Message) { m.Topic = "" }, "topic"},
		{"non-ASCII topic", func(m *Message) { m.Topic = "bestellungen-ä" }, "topic"},
		{"empty type", func(m *Message) { m.Type = "" }, "type"},
		{"non-ASCII type", func(m *Message) { m.Type = "tüp" }, "type"},
		{"non-ASCII key", func(m *Message) { m.Key = "ключ" }, "key"},
		{"control char key", func(m *Message) { m.Key = "a\nb" }, "key"},
		{"bad event id", func(m *Message) { m.EventID = "nope" }, "event_id"},
		{"missing correlation id", func(m *Message) { m.CorrelationID = "" }, "correlation_id"},
		{"reserved header", func(m *Message) { m.Headers = map[string]string{"type": "x"} }, "header"},
		{"non-ASCII header value", func(m *Message) { m.Headers = map[string]string{"h": "ü"} }, "header"},
		{"empty header name", func(m *Message) { m.Headers = map[string]string{"": "v"} }, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMessage()
			tt.mutate(m)
			err := m.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Fatalf("Validate() = %v, want a ValidationError on %s", err, tt.field)
			}
			if !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("Validate() = %v does not wrap ErrInvalidMessage", err)
			}
		})
	}
}

func TestBatchError(t *testing.T) {
	bad := &ValidationError{Field: "key", Value: "ü", Reason: "not ASCII"}
	err := error(&BatchError{Errs: []error{nil, bad, nil}})
	if !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("errors.Is(BatchError, ErrInvalidMessage) = false")
	}
	if !strings.Contains(err.Error(), "1 of 3") {
		t.Errorf("BatchError message %q does not count failures", err)
	}
}
