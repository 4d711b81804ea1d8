package hexkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"
	"testing/slogtest"

	"github.com/hexkit-go/hexkit"
)

func TestLogHandlerAddsAttributes(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(hexkit.NewLogHandler(slog.NewJSONHandler(&buf, nil), "calc", "calc-1"))

	id := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(context.Background(), id)
	logger.InfoContext(ctx, "handled", "n", 3)
	logger.Info("no context")

	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), buf.String())
	}
	var first, second map[string]any
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(lines[1], &second); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{"service": "calc", "instance": "calc-1", "correlation_id": id, "msg": "handled", "n": 3.0} {
		if first[key] != want {
			t.Errorf("first record %s = %v, want %v", key, first[key], want)
		}
	}
	if _, ok := second["correlation_id"]; ok {
		t.Errorf("record without a correlation id in ctx got one: %v", second)
	}
	if second["service"] != "calc" {
		t.Errorf("second record service = %v, want calc", second["service"])
	}
}

func TestLogHandlerOmitsEmptyIdentity(t *testing.T) {
	var buf bytes.Buffer
	slog.New(hexkit.NewLogHandler(slog.NewJSONHandler(&buf, nil), "", "")).Info("x")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"service", "instance", "correlation_id"} {
		if _, ok := rec[key]; ok {
			t.Errorf("record has %s, want none: %v", key, rec)
		}
	}
}

func TestLogHandlerRespectsLevel(t *testing.T) {
	var buf bytes.Buffer
	h := hexkit.NewLogHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}), "svc", "")
	if h.Enabled(context.Background(), slog.LevelInfo) {
		t.Error("Info enabled under a Warn handler")
	}
	slog.New(h).Info("dropped")
	if buf.Len() != 0 {
		t.Errorf("info record written under Warn level: %s", buf.String())
	}
}

// TestLogHandlerConformance runs the standard library's handler test suite
// against the wrapper, proving it keeps every slog.Handler rule.
func TestLogHandlerConformance(t *testing.T) {
	var buf bytes.Buffer
	newHandler := func(*testing.T) slog.Handler {
		buf.Reset()
		return hexkit.NewLogHandler(slog.NewJSONHandler(&buf, nil), "", "")
	}
	result := func(t *testing.T) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	slogtest.Run(t, newHandler, result)
}

// Groups opened on the logger hold the record's attributes, never the
// correlation id, service or instance.
func TestLogHandlerKeepsIdentityOutsideGroups(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(hexkit.NewLogHandler(slog.NewJSONHandler(&buf, nil), "calc", "calc-1"))
	id := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(context.Background(), id)
	logger.With("a", 1).WithGroup("g").With("b", 2).WithGroup("h").InfoContext(ctx, "grouped", "c", 3)
	logger.WithGroup("empty").InfoContext(ctx, "no attrs")

	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), buf.String())
	}
	var got map[string]any
	if err := json.Unmarshal(lines[0], &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"service": "calc", "instance": "calc-1", "correlation_id": id, "a": 1.0,
		"g": map[string]any{"b": 2.0, "h": map[string]any{"c": 3.0}}}
	for key, w := range want {
		if !reflect.DeepEqual(got[key], w) {
			t.Errorf("%s = %v, want %v (record %s)", key, got[key], w, lines[0])
		}
	}
	got = nil
	if err := json.Unmarshal(lines[1], &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["empty"]; ok || got["correlation_id"] != id {
		t.Errorf("record of an empty group = %s", lines[1])
	}
}
