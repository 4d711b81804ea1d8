package mongo_test

import (
	"context"
	"encoding/json"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// TestOutboxEndToEndKafka runs the whole path on the real servers: an
// outbox DAO and a persistent publisher store on FerretDB, the relay sends
// to Apache Kafka, and a subscriber mirrors the collection with a typed
// change handler and receives the events.
func TestOutboxEndToEndKafka(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	db := wrap(t, testDB(t))
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	kc, err := kafka.Open(ctx, kafka.Config{Brokers: brokers, ServiceName: "outbox-e2e"})
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close(context.Background())
	changes, notes := testenv.UniqueName(t, "accounts"), testenv.UniqueName(t, "notes")
	if err := kc.CreateTopics(ctx, kafka.TopicSpec{Name: changes, Partitions: 2}, kafka.TopicSpec{Name: notes}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kc.DeleteTopics(context.Background(), changes, notes) })
	snd, err := kafka.NewSender(kc)
	if err != nil {
		t.Fatal(err)
	}
	relay, err := mongo.NewRelay(db, snd, outbox.WithPollInterval(50*time.Millisecond), outbox.WithLeaseName(changes))
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := mongo.NewOutboxDAO[account, string](ctx, db, "accounts", relay, changes)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := mongo.NewPersistentPublisher[noted](ctx, db, "events", relay, notes)
	if err != nil {
		t.Fatal(err)
	}
	rctx, stopRelay := context.WithCancel(ctx)
	relayDone := make(chan error, 1)
	go func() { relayDone <- relay.Run(rctx) }()

	var mu sync.Mutex
	mirror := map[string]account{}
	var got []string
	r := events.NewRouter()
	outbox.HandleChanges(r, changes, outbox.ChangeFuncs[account, string]{
		OnChanged: func(_ context.Context, id string, a account) error {
			mu.Lock()
			defer mu.Unlock()
			mirror[id] = a
			return nil
		},
		OnDeleted: func(_ context.Context, id string) error {
			mu.Lock()
			defer mu.Unlock()
			delete(mirror, id)
			return nil
		},
	})
	events.Handle(r, notes, func(_ context.Context, d events.Delivery[noted]) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d.Event.Text)
		return nil
	})
	sub, err := kafka.NewSubscriber(kc, testenv.UniqueName(t, "mirror"), r)
	if err != nil {
		t.Fatal(err)
	}
	sctx, stopSub := context.WithCancel(ctx)
	subDone := make(chan error, 1)
	go func() { subDone <- sub.Run(sctx) }()

	for _, id := range []string{"a", "b", "c", "d"} {
		if err := accounts.Insert(ctx, account{ID: id, Name: "first " + id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := accounts.Update(ctx, account{ID: "a", Name: "second a"}); err != nil {
		t.Fatal(err)
	}
	if err := accounts.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.Upsert(ctx, account{ID: "b", Name: "b again"}); err != nil {
		t.Fatal(err)
	}
	if err := accounts.Delete(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"one", "two", "three"} {
		if err := pub.Publish(ctx, "k", noted{Text: text, Data: json.RawMessage(`{"x":[1,2]}`)}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]account{"a": {ID: "a", Name: "second a"}, "b": {ID: "b", Name: "b again"}, "c": {ID: "c", Name: "first c"}}
	for {
		mu.Lock()
		done := maps.Equal(mirror, want) && len(got) == 3
		snapshot, texts := maps.Clone(mirror), append([]string(nil), got...)
		mu.Unlock()
		if done {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("mirror %v and events %v before the deadline, want %v and [one two three]", snapshot, texts, want)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if got[0] != "one" || got[1] != "two" || got[2] != "three" {
		t.Errorf("events %v, want them in the order published", got)
	}
	stopSub()
	stopRelay()
	if err := <-subDone; err != nil {
		t.Error(err)
	}
	if err := <-relayDone; err != nil {
		t.Error(err)
	}
}
