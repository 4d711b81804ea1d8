package memoutbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
)

type user struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	b, _ := memevents.New()
	_ = b.CreateTopic("users", 1)
	snd, _ := memevents.NewSender(b)
	relay, err := memoutbox.NewRelay(snd)
	if err != nil {
		t.Fatal(err)
	}
	users, err := memoutbox.New[user, string](relay, "users")
	if err != nil {
		t.Fatal(err)
	}
	_ = users.Insert(ctx, user{ID: "u1", Name: "ada"})
	_, _ = users.Update(ctx, user{ID: "u1", Name: "grace"})
	_ = users.Delete(ctx, "u1")
	n, err := users.PublishPending(ctx)
	if err != nil || n != 1 {
		t.Fatalf("PublishPending = %d, %v", n, err)
	}
	msgs := b.Messages("users")
	if len(msgs) != 1 || msgs[0].Type != outbox.DeleteEventType {
		t.Fatalf("messages %+v", msgs)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- relay.Run(rctx) }()
	_ = users.Insert(ctx, user{ID: "u2", Name: "x"})
	deadline := time.Now().Add(2 * time.Second)
	for len(b.Messages("users")) < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	msgs = b.Messages("users")
	if len(msgs) != 2 || msgs[1].Type != outbox.ChangeEventType || string(msgs[1].Payload) != `{"id":"u2","name":"x"}` {
		t.Fatalf("messages %+v", msgs)
	}
	// the subscriber side
	r := events.NewRouter()
	var got []string
	outbox.HandleChanges[user, string](r, "users", outbox.ChangeFuncs[user, string]{
		OnChanged: func(ctx context.Context, id string, u user) error { got = append(got, "changed "+id+" "+u.Name); return nil },
		OnDeleted: func(ctx context.Context, id string) error { got = append(got, "deleted "+id); return nil },
	})
	for _, m := range msgs {
		if err := r.HandleMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[0] != "deleted u1" || got[1] != "changed u2 x" {
		t.Fatalf("got %q", got)
	}
}
