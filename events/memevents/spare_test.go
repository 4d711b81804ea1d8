package memevents

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
)

type bulk struct {
	Note string `json:"note"`
}

func (bulk) EventType() string { return "bulk" }

// TestSparesAreBounded: while a member of a group lags (here: it has not
// started), the spare copies made for first deliveries stop at
// maxSpareBytes, and they are all released once the backlog is handled.
func TestSparesAreBounded(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.CreateTopic("t", 2); err != nil {
		t.Fatal(err)
	}
	h := events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil })
	s, err := NewSubscriber(b, "g", h, events.WithTopics("t"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := NewPublisher[bulk](b, "t")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := bulk{Note: strings.Repeat("x", 1000)}
	n := 2 * maxSpareBytes / 1000
	for i := range n {
		if err := pub.Publish(ctx, string(rune('a'+i%26)), e); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.spareBytes.Load(); got < maxSpareBytes/2 || got > maxSpareBytes+2000 {
		t.Errorf("spares hold %d bytes after %d events to a lagging group; want at most about %d", got, n, maxSpareBytes)
	}
	go func() { _ = s.Run(ctx) }()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.spareBytes.Load(); got != 0 {
		t.Errorf("spares hold %d bytes once every event was handled; want 0", got)
	}
}
