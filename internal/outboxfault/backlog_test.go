package outboxfault

import (
	"context"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// TestRelayPublishesABacklog publishes 250 pending changes in one pass of
// a relay with the default batch size, on a FerretDB of the test's own:
// FerretDB v1.24 (SQLite) deadlocks for good on an update command of 100
// statements or more (each statement holds one of its 100 SQLite
// connections until the command ends), so a provider must mark a batch in
// smaller commands. Never run this against a shared server.
func TestRelayPublishesABacklog(t *testing.T) {
	ms := testenv.StartPrivateFerretDB(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(ms.MongoURI()), Database: "backlog", Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.WithoutCancel(ctx))
	b, err := memevents.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.CreateTopic("records", 1); err != nil {
		t.Fatal(err)
	}
	snd, err := memevents.NewSender(b)
	if err != nil {
		t.Fatal(err)
	}
	relay, err := mongo.NewRelay(db, snd, outbox.WithRelayLogger(testLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := mongo.NewOutboxDAO[record, string](ctx, db, "records", relay, "records")
	if err != nil {
		t.Fatal(err)
	}
	s := schedule{ids: 250, rounds: 1}
	for k := range s.total() {
		if err := s.apply(ctx, d, s.at(k)); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	n, err := relay.PublishPending(ctx)
	if err != nil || n != s.total() {
		t.Fatalf("PublishPending = %d, %v after %v; want %d, nil", n, err, time.Since(start), s.total())
	}
	if n, err := relay.PublishPending(ctx); err != nil || n != 0 {
		t.Errorf("a second PublishPending = %d, %v; want 0, nil: the first did not mark what it published", n, err)
	}
}
