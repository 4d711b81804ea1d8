package hexkit

import (
	"context"
	"log/slog"
	"slices"
)

// Attribute keys added by the handler that [NewLogHandler] returns.
const (
	LogKeyCorrelationID = "correlation_id"
	LogKeyService       = "service"
	LogKeyInstance      = "instance"
)

// NewLogHandler wraps next so that every record carries the service name and
// instance id (when not empty) and the correlation id of the record's context
// (when it has one), all three at the top level of the record, also when the
// logger has opened groups (WithGroup). Records logged without a context
// (slog.Info rather than slog.InfoContext) carry no correlation id.
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

// logHandler hands records to next. Attributes added before the first
// group go to next itself; groups and the attributes added inside them are
// kept here and rebuilt around each record's own attributes, so that the
// correlation id can stay at the top level.
type logHandler struct {
	next   slog.Handler
	groups []logGroup
}

type logGroup struct {
	name  string
	attrs []slog.Attr
}

func (h *logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	var id string
	if ctx != nil {
		id, _ = CorrelationID(ctx)
	}
	if len(h.groups) == 0 {
		if id != "" {
			r = r.Clone()
			r.AddAttrs(slog.String(LogKeyCorrelationID, id))
		}
		return h.next.Handle(ctx, r)
	}
	inner := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		inner = append(inner, a)
		return true
	})
	for i := len(h.groups) - 1; i >= 0; i-- {
		g := h.groups[i]
		vals := make([]slog.Attr, 0, len(g.attrs)+len(inner))
		vals = append(append(vals, g.attrs...), inner...)
		inner = []slog.Attr{{Key: g.name, Value: slog.GroupValue(vals...)}}
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	if id != "" {
		out.AddAttrs(slog.String(LogKeyCorrelationID, id))
	}
	out.AddAttrs(inner...)
	return h.next.Handle(ctx, out)
}

func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	if len(h.groups) == 0 {
		return &logHandler{next: h.next.WithAttrs(attrs)}
	}
	groups := slices.Clone(h.groups)
	last := &groups[len(groups)-1]
	last.attrs = append(slices.Clip(last.attrs), attrs...)
	return &logHandler{next: h.next, groups: groups}
}

func (h *logHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	groups := append(slices.Clip(h.groups), logGroup{name: name})
	return &logHandler{next: h.next, groups: groups}
}
