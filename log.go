package hexkit

import (
	"context"
	"log/slog"
)

// Attribute keys added by the handler that [NewLogHandler] returns.
const (
	LogKeyCorrelationID = "correlation_id"
	LogKeyService       = "service"
	LogKeyInstance      = "instance"
)

// NewLogHandler wraps next so that every record carries the service name and
// instance id (when not empty) and the correlation id of the record's context
// (when it has one). Records logged without a context (slog.Info rather than
// slog.InfoContext) carry no correlation id.
func NewLogHandler(next slog.Handler, service, instance string) slog.Handler {
	var attrs []slog.Attr
	if service != "" {
		attrs = append(attrs, slog.String(LogKeyService, service))
	}
	if instance != "" {
		attrs = append(attrs, slog.String(LogKeyInstance, instance))
	}
	if len(attrs) > 0 {
		next = next.WithAttrs(attrs)
	}
	return &logHandler{next: next}
}

type logHandler struct {
	next slog.Handler
}

func (h *logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		if id, ok := CorrelationID(ctx); ok {
			r = r.Clone()
			r.AddAttrs(slog.String(LogKeyCorrelationID, id))
		}
	}
	return h.next.Handle(ctx, r)
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logHandler{next: h.next.WithAttrs(attrs)}
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{next: h.next.WithGroup(name)}
}
