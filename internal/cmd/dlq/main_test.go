package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

func TestCommands(t *testing.T) {
	b := kafkatest.NewFake(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dlq := b.Topic(t, "dlq", 1)
	orig := b.Topic(t, "orders", 1)
	service := "svc-" + orig
	b.CreateTopic(t, events.RetryTopic(service), 1)
	fh, err := events.NewFailureHandler(events.MessageHandlerFunc(func(context.Context, *events.Message) error {
		return errors.New("no stock")
	}), service, events.WithAttempts(1), events.WithDLQ(b.Sender(t)), events.WithDLQTopic(dlq))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{`{"n":1}`, `{"n":2}`} {
		m := &events.Message{Topic: orig, Key: "k", Type: "order_placed", EventID: events.NewEventID(),
			CorrelationID: events.NewEventID(), Payload: []byte(p)}
		if err := fh.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	env := func(string) string { return "" }
	base := []string{"-brokers", strings.Join(b.Addrs(), ","), "-topic", dlq, "-group", "tool-" + orig}
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append(append([]string{}, base...), args...), &out, env)
		return out.String(), err
	}

	out, err := cmd("preview")
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("preview printed %d lines, want 2:\n%s", len(lines), out)
	}
	var v deadLetterView
	if err := json.Unmarshal([]byte(lines[0]), &v); err != nil {
		t.Fatal(err)
	}
	if v.OriginalTopic != orig || v.Service != service || v.ExcMsg != "no stock" || string(v.Payload) != `{"n":1}` || v.Offset != 0 {
		t.Errorf("preview line = %+v", v)
	}

	if _, err := cmd("discard", "0", "1"); err == nil {
		t.Error("discard of the second dead letter succeeded; want a not-next error")
	}
	fixed := filepath.Join(t.TempDir(), "fixed.json")
	if err := os.WriteFile(fixed, []byte(`{"n":10}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd("replay", "0", "0", "-payload", fixed); err != nil || !strings.Contains(out, "replayed 0/0") {
		t.Fatalf("replay = %q, %v", out, err)
	}
	if out, err := cmd("discard", "0", "1"); err != nil || !strings.Contains(out, "discarded 0/1") {
		t.Fatalf("discard = %q, %v", out, err)
	}
	if out, err := cmd("preview"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("preview after processing everything = %q, %v; want nothing", out, err)
	}

	for _, bad := range [][]string{{}, {"frobnicate"}, {"replay", "0"}, {"replay", "x", "0"}} {
		if _, err := cmd(bad...); err == nil {
			t.Errorf("dlq %v succeeded; want an error", bad)
		}
	}
	if err := run(ctx, append(append([]string{}, base...), "-sasl-user", "u", "preview"), &bytes.Buffer{}, env); err == nil || !strings.Contains(err.Error(), envPassword) {
		t.Errorf("-sasl-user without $%s = %v; want an error naming it", envPassword, err)
	}
}
