package mongo

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/internal/testenv"
	outdriver "github.com/hexkit-go/hexkit/outbox/driver"
)

// outboxTestDB returns a DB over a fresh database, dropped at cleanup,
// and the raw database to look at what is stored.
func outboxTestDB(t *testing.T) (*DB, *mongo.Database) {
	t.Helper()
	cl, err := mongo.Connect(options.Client().ApplyURI(testenv.MongoURI(t)).SetTimeout(30 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	raw := cl.Database(testenv.UniqueName(t, "outbox"))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = raw.Drop(ctx)
		_ = cl.Disconnect(ctx)
	})
	db, err := New(raw)
	if err != nil {
		t.Fatal(err)
	}
	return db, raw
}

// bothPaths runs f on the server's own path and, with force, on the
// conditional writes MongoDB gets (see DB.twoStep).
func bothPaths(t *testing.T, f func(t *testing.T, force bool)) {
	t.Run("server", func(t *testing.T) { f(t, false) })
	t.Run("conditional", func(t *testing.T) { f(t, true) })
}

type item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func newTestOutboxColl(t *testing.T, db *DB, name string) *outboxColl {
	t.Helper()
	c := newOutboxColl(db, name)
	if err := c.Init(t.Context(), driver.Schema{IDField: "id"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// changes reads every change Changes yields.
func changes(t *testing.T, c *outboxColl, all bool) ([]outdriver.Change, []item) {
	t.Helper()
	cur, err := c.Changes(t.Context(), nil, all, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close(t.Context())
	var chs []outdriver.Change
	var docs []item
	for cur.Next(t.Context()) {
		ch := cur.Change()
		chs = append(chs, ch)
		var it item
		if !ch.Deleted {
			if err := cur.Decode(&it); err != nil {
				t.Fatal(err)
			}
		}
		docs = append(docs, it)
	}
	if err := cur.Err(); err != nil {
		t.Fatal(err)
	}
	return chs, docs
}

func TestOutboxCollectionStampGuardsMarks(t *testing.T) {
	bothPaths(t, testOutboxCollectionStampGuardsMarks)
}

func testOutboxCollectionStampGuardsMarks(t *testing.T, force bool) {
	db, _ := outboxTestDB(t)
	if force {
		UseConditionalWrites(db)
	}
	c := newTestOutboxColl(t, db, "items")
	ctx := hexkit.WithCorrelationID(t.Context(), hexkit.NewCorrelationID())
	a := driver.StringValue("a")
	if err := c.Insert(ctx, a, &item{ID: "a", Name: "one"}); err != nil {
		t.Fatal(err)
	}
	first, _ := changes(t, c, false)
	if len(first) != 1 || first[0].Stamp == "" || first[0].Published || first[0].Deleted {
		t.Fatalf("changes after an insert: %+v", first)
	}
	if err := c.Replace(ctx, driver.Replace{ID: a, Doc: &item{ID: "a", Name: "two"}}); err != nil {
		t.Fatal(err)
	}
	n, err := c.MarkPublished(ctx, []outdriver.Mark{{ID: a, Stamp: first[0].Stamp, EventID: uuid.NewString()}})
	if err != nil || n != 0 {
		t.Fatalf("MarkPublished with the stamp of an overwritten state = %d, %v; want 0 marked", n, err)
	}
	second, docs := changes(t, c, false)
	if len(second) != 1 || second[0].Stamp == first[0].Stamp || docs[0].Name != "two" {
		t.Fatalf("the rewritten document must stay pending with a new stamp: %+v %+v", second, docs)
	}
	n, err = c.MarkPublished(ctx, []outdriver.Mark{{ID: a, Stamp: second[0].Stamp, EventID: uuid.NewString()}})
	if err != nil || n != 1 {
		t.Fatalf("MarkPublished = %d, %v; want 1", n, err)
	}
	if left, _ := changes(t, c, false); len(left) != 0 {
		t.Fatalf("pending after the mark: %+v", left)
	}
	all, _ := changes(t, c, true)
	if len(all) != 1 || !all[0].Published {
		t.Fatalf("Changes(all) = %+v", all)
	}
}

func TestOutboxCollectionReadsPythonDocuments(t *testing.T) {
	bothPaths(t, testOutboxCollectionReadsPythonDocuments)
}

func testOutboxCollectionReadsPythonDocuments(t *testing.T, force bool) {
	db, raw := outboxTestDB(t)
	if force {
		UseConditionalWrites(db)
	}
	c := newTestOutboxColl(t, db, "items")
	ctx := t.Context()
	cid := uuid.New()
	bin := func(u uuid.UUID) bson.Binary { return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: u[:]} }
	docs := []any{
		// written by Python hexkit's outbox DAO, not yet published
		bson.D{{Key: "_id", Value: "p1"}, {Key: "name", Value: "py"}, {Key: "__metadata__", Value: bson.D{
			{Key: "deleted", Value: false}, {Key: "published", Value: false}, {Key: "correlation_id", Value: bin(cid)}, {Key: "last_event_id", Value: nil}}}},
		// a Python tombstone, not yet published (no last_event_id)
		bson.D{{Key: "_id", Value: "p2"}, {Key: "__metadata__", Value: bson.D{
			{Key: "deleted", Value: true}, {Key: "published", Value: false}, {Key: "correlation_id", Value: cid.String()}}}},
		// published by Python
		bson.D{{Key: "_id", Value: "p3"}, {Key: "name", Value: "done"}, {Key: "__metadata__", Value: bson.D{
			{Key: "deleted", Value: false}, {Key: "published", Value: true}, {Key: "correlation_id", Value: bin(cid)}, {Key: "last_event_id", Value: bin(uuid.New())}}}},
		// written by a plain DAO
		bson.D{{Key: "_id", Value: "p4"}, {Key: "name", Value: "plain"}},
	}
	if _, err := raw.Collection("items").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	pending, got := changes(t, c, false)
	if len(pending) != 2 || pending[0].ID.Interface() != "p1" || pending[1].ID.Interface() != "p2" {
		t.Fatalf("pending changes %+v", pending)
	}
	for _, ch := range pending {
		if ch.Stamp == "" || ch.CorrelationID != cid.String() {
			t.Errorf("change %+v: want a stamp and the correlation id %s", ch, cid)
		}
	}
	if !pending[1].Deleted || got[0].Name != "py" || got[0].ID != "p1" {
		t.Errorf("changes %+v, documents %+v", pending, got)
	}
	stored, err := raw.Collection("items").FindOne(ctx, bson.D{{Key: "_id", Value: "p1"}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := stored.Lookup("__metadata__", "stamp").StringValueOK(); s != pending[0].Stamp {
		t.Errorf("stored stamp %q, yielded %q", s, pending[0].Stamp)
	}
	again, _ := changes(t, c, false)
	if len(again) != 2 || again[0].Stamp != pending[0].Stamp {
		t.Errorf("a stamp must stay until the next write: %+v then %+v", pending, again)
	}
	all, _ := changes(t, c, true)
	if len(all) != 4 || !all[2].Published || !all[3].Published || all[3].Stamp == "" {
		t.Fatalf("Changes(all) = %+v", all)
	}
	// The live documents read as T; the tombstone does not.
	var it item
	if err := c.Get(ctx, driver.StringValue("p1"), &it); err != nil || it.Name != "py" {
		t.Errorf("Get(p1) = %+v, %v", it, err)
	}
	if err := c.Get(ctx, driver.StringValue("p2"), &it); err == nil {
		t.Errorf("Get of a Python tombstone succeeded")
	}
	if n, err := c.Count(ctx, driver.Filter{Op: driver.OpAll}); err != nil || n != 3 {
		t.Errorf("Count = %d, %v; want 3", n, err)
	}
	n, err := c.MarkPublished(ctx, []outdriver.Mark{
		{ID: driver.StringValue("p1"), Stamp: pending[0].Stamp, EventID: uuid.NewString()},
		{ID: driver.StringValue("p4"), Stamp: all[3].Stamp, EventID: uuid.NewString()},
	})
	if err != nil || n != 1 {
		t.Fatalf("MarkPublished = %d, %v; want 1 (the document without metadata is no change)", n, err)
	}
	plain, err := raw.Collection("items").FindOne(ctx, bson.D{{Key: "_id", Value: "p4"}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.LookupErr("__metadata__"); err == nil {
		t.Errorf("a mark gave metadata to a plain document: %v", plain)
	}

	// MarkAllPending: every document pending again, the plain one with
	// complete metadata and the correlation id of ctx.
	rcid := hexkit.NewCorrelationID()
	n64, err := c.MarkAllPending(hexkit.WithCorrelationID(ctx, rcid))
	if err != nil || n64 != 4 {
		t.Fatalf("MarkAllPending = %d, %v; want 4", n64, err)
	}
	pending, _ = changes(t, c, false)
	if len(pending) != 4 || pending[3].ID.Interface() != "p4" || pending[3].Stamp == unstamped || pending[3].CorrelationID != rcid || pending[3].Deleted {
		t.Fatalf("pending after MarkAllPending: %+v", pending)
	}
	if pending[0].CorrelationID != cid.String() {
		t.Errorf("MarkAllPending changed a stored correlation id: %+v", pending[0])
	}
}

func TestLeaseTakesTurns(t *testing.T) {
	db, raw := outboxTestDB(t)
	ctx := t.Context()
	l := &lease{db: db, c: raw.Collection(LeaseCollection)}
	acquire := func(owner string, ttl time.Duration) bool {
		t.Helper()
		ok, err := l.Acquire(ctx, "relay", owner, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !acquire("a", time.Second) {
		t.Fatal("a free lease was not taken")
	}
	if acquire("b", time.Second) {
		t.Fatal("a held lease was taken by another owner")
	}
	if !acquire("a", 300*time.Millisecond) {
		t.Fatal("the holder could not renew")
	}
	stored, err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: "relay"}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := stored.Lookup("owner").StringValueOK(); o != "a" {
		t.Errorf("stored owner %v", stored)
	}
	if _, ok := stored.Lookup("until").TimeOK(); !ok {
		t.Errorf("until is not a datetime: %v", stored)
	}
	time.Sleep(400 * time.Millisecond)
	if !acquire("b", time.Second) {
		t.Fatal("an expired lease was not taken over")
	}
	if acquire("a", time.Second) {
		t.Fatal("the former holder took the lease back")
	}
	if err := l.Release(ctx, "relay", "a"); err != nil {
		t.Fatal(err)
	}
	if acquire("a", time.Second) {
		t.Fatal("a release by a non-holder freed the lease")
	}
	if err := l.Release(ctx, "relay", "b"); err != nil {
		t.Fatal(err)
	}
	if !acquire("a", time.Second) {
		t.Fatal("a released lease was not taken")
	}
	// Racing relays (of one process; see NewRelay for FerretDB across
	// processes) on a fresh lease: exactly one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := l.Acquire(ctx, "race", string(rune('a'+i)), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d relays took one lease", wins.Load())
	}
}

func TestEventStoreStampsPythonEvents(t *testing.T) { bothPaths(t, testEventStoreStampsPythonEvents) }

func testEventStoreStampsPythonEvents(t *testing.T, force bool) {
	db, raw := outboxTestDB(t)
	if force {
		UseConditionalWrites(db)
	}
	ctx := t.Context()
	s := db.eventStore("events")
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Init(ctx); err != nil {
		t.Fatalf("a second Init: %v", err)
	}
	cid := uuid.New()
	created := time.Now().UTC().Truncate(time.Millisecond)
	// As Python hexkit's persistent publisher stores an event it could not
	// send yet (no event id).
	_, err := raw.Collection("events").InsertOne(ctx, bson.D{
		{Key: "topic", Value: "users"}, {Key: "payload", Value: bson.D{{Key: "n", Value: int32(1)}}},
		{Key: "key", Value: "k"}, {Key: "type_", Value: "t"}, {Key: "event_id", Value: nil},
		{Key: "headers", Value: bson.D{{Key: "h", Value: "v"}}},
		{Key: "correlation_id", Value: bson.Binary{Subtype: bson.TypeBinaryUUID, Data: cid[:]}},
		{Key: "created", Value: created}, {Key: "published", Value: false}, {Key: "_id", Value: "users:k"},
	})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, nil, false, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("Events = %+v", evs)
	}
	e := evs[0]
	if e.Stamp == "" || e.EventID != "" || e.CorrelationID != cid.String() || !e.Created.Equal(created) ||
		string(e.Payload) != `{"n":1}` || e.Headers["h"] != "v" || e.Topic != "users" || e.Key != "k" || e.Type != "t" {
		t.Fatalf("event %+v", e)
	}
	eid := uuid.NewString()
	n, err := s.MarkPublished(ctx, []outdriver.Mark{{ID: driver.StringValue("users:k"), Stamp: e.Stamp, EventID: eid}})
	if err != nil || n != 1 {
		t.Fatalf("MarkPublished = %d, %v", n, err)
	}
	stored, err := raw.Collection("events").FindOne(ctx, bson.D{{Key: "_id", Value: "users:k"}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if sub, data, ok := stored.Lookup("event_id").BinaryOK(); !ok || sub != bson.TypeBinaryUUID || uuid.UUID(data).String() != eid {
		t.Errorf("stored event_id %v, want %s as a binary UUID", stored.Lookup("event_id"), eid)
	}
	if evs, _ := s.Events(ctx, nil, false, 10); len(evs) != 0 {
		t.Errorf("pending after the mark: %+v", evs)
	}
}
