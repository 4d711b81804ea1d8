package mongo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

type account struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version int    `json:"version"`
}

var accountVersion = dao.MustField[account, int]("version")

// outboxSetup is a database, an in-memory broker with one topic, and a
// relay publishing to it.
type outboxSetup struct {
	db    *mongo.DB
	raw   *driver.Database
	b     *memevents.Broker
	topic string
	relay *outbox.Relay
}

func newOutboxSetup(t *testing.T) *outboxSetup {
	t.Helper()
	raw := testDB(t)
	s := &outboxSetup{db: wrap(t, raw), raw: raw, topic: testenv.UniqueName(t, "t")}
	var err error
	if s.b, err = memevents.New(); err != nil {
		t.Fatal(err)
	}
	if err := s.b.CreateTopic(s.topic, 1); err != nil {
		t.Fatal(err)
	}
	snd, err := memevents.NewSender(s.b)
	if err != nil {
		t.Fatal(err)
	}
	if s.relay, err = mongo.NewRelay(s.db, snd, outbox.WithPollInterval(20*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	return s
}

// stored returns the raw stored document with id of collection c.
func (s *outboxSetup) stored(t *testing.T, c string, id any) bson.Raw {
	t.Helper()
	raw, err := s.raw.Collection(c).FindOne(t.Context(), bson.D{{Key: "_id", Value: id}}).Raw()
	if err != nil {
		t.Fatalf("reading %v from %s: %v", id, c, err)
	}
	return raw
}

// keys returns the top-level keys of a document in their order.
func keys(t *testing.T, d bson.Raw) []string {
	t.Helper()
	elems, err := d.Elements()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = e.Key()
	}
	return out
}

// binaryUUID returns the UUID a BSON value holds as binary subtype 4.
func binaryUUID(t *testing.T, what string, v bson.RawValue) string {
	t.Helper()
	sub, data, ok := v.BinaryOK()
	if !ok || sub != bson.TypeBinaryUUID || len(data) != 16 {
		t.Errorf("%s = %v, want a binary UUID (subtype 4)", what, v)
		return ""
	}
	return uuid.UUID(data).String()
}

func TestOutboxDAOStorageFormat(t *testing.T) {
	s := newOutboxSetup(t)
	cid := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(t.Context(), cid)
	accounts, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	if err := accounts.Insert(ctx, account{ID: "a1", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	doc := s.stored(t, "accounts", "a1")
	if got, want := keys(t, doc), []string{"_id", "name", "version", "__metadata__"}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored keys %v, want %v", got, want)
	}
	meta := doc.Lookup("__metadata__").Document()
	if got, want := keys(t, meta), []string{"deleted", "published", "correlation_id", "last_event_id", "stamp"}; !reflect.DeepEqual(got, want) {
		t.Errorf("metadata keys %v, want %v", got, want)
	}
	if v, ok := meta.Lookup("deleted").BooleanOK(); !ok || v {
		t.Errorf("deleted = %v, want the boolean false", meta.Lookup("deleted"))
	}
	if v, ok := meta.Lookup("published").BooleanOK(); !ok || v {
		t.Errorf("published = %v, want the boolean false", meta.Lookup("published"))
	}
	if got := binaryUUID(t, "correlation_id", meta.Lookup("correlation_id")); got != cid {
		t.Errorf("correlation_id %s, want %s", got, cid)
	}
	if meta.Lookup("last_event_id").Type != bson.TypeNull {
		t.Errorf("last_event_id = %v, want null", meta.Lookup("last_event_id"))
	}
	if _, ok := meta.Lookup("stamp").StringValueOK(); !ok {
		t.Errorf("stamp = %v, want a string", meta.Lookup("stamp"))
	}

	if n, err := accounts.PublishPending(ctx); err != nil || n != 1 {
		t.Fatalf("PublishPending = %d, %v; want 1", n, err)
	}
	msgs := s.b.Messages(s.topic)
	if len(msgs) != 1 {
		t.Fatalf("published %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Key != "a1" || m.Type != outbox.ChangeEventType || m.CorrelationID != cid || string(m.Payload) != `{"id":"a1","name":"Ada","version":0}` {
		t.Errorf("message %+v (payload %s)", m, m.Payload)
	}
	meta = s.stored(t, "accounts", "a1").Lookup("__metadata__").Document()
	if v, ok := meta.Lookup("published").BooleanOK(); !ok || !v {
		t.Errorf("published after publication = %v, want true", meta.Lookup("published"))
	}
	if got := binaryUUID(t, "last_event_id", meta.Lookup("last_event_id")); got != m.EventID {
		t.Errorf("last_event_id %s, want the event's id %s", got, m.EventID)
	}

	cid2 := hexkit.NewCorrelationID()
	if err := accounts.Delete(hexkit.WithCorrelationID(ctx, cid2), "a1"); err != nil {
		t.Fatal(err)
	}
	tomb := s.stored(t, "accounts", "a1")
	if got, want := keys(t, tomb), []string{"_id", "__metadata__"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tombstone keys %v, want %v", got, want)
	}
	meta = tomb.Lookup("__metadata__").Document()
	if v, ok := meta.Lookup("deleted").BooleanOK(); !ok || !v {
		t.Errorf("tombstone deleted = %v, want true", meta.Lookup("deleted"))
	}
	if v, ok := meta.Lookup("published").BooleanOK(); !ok || v {
		t.Errorf("tombstone published = %v, want false", meta.Lookup("published"))
	}
	if got := binaryUUID(t, "correlation_id", meta.Lookup("correlation_id")); got != cid2 {
		t.Errorf("tombstone correlation_id %s, want the deleting context's %s", got, cid2)
	}
	if n, err := accounts.PublishPending(ctx); err != nil || n != 1 {
		t.Fatalf("PublishPending = %d, %v; want 1", n, err)
	}
	msgs = s.b.Messages(s.topic)
	if m := msgs[len(msgs)-1]; len(msgs) != 2 || m.Type != outbox.DeleteEventType || string(m.Payload) != "{}" || m.Key != "a1" || m.CorrelationID != cid2 {
		t.Errorf("deletion message %+v (payload %s)", m, m.Payload)
	}

	specs, err := s.raw.Collection("accounts").Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, sp := range specs {
		found = found || sp.KeysDocument.String() == `{"__metadata__.published": {"$numberInt":"1"}}`
	}
	if !found {
		t.Errorf("no index on __metadata__.published: %v", specs)
	}
	if _, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic); err != nil {
		t.Errorf("a second NewOutboxDAO on the collection: %v", err)
	}
}

// serverPaths runs f with the outbox's FerretDB path (a read, then a
// write by id) and with its MongoDB path (conditional writes).
func serverPaths(t *testing.T, f func(t *testing.T, s *outboxSetup)) {
	t.Run("server", func(t *testing.T) { f(t, newOutboxSetup(t)) })
	t.Run("conditional", func(t *testing.T) {
		s := newOutboxSetup(t)
		mongo.UseConditionalWrites(s.db)
		f(t, s)
	})
}

func TestOutboxDAOTombstones(t *testing.T) { serverPaths(t, testOutboxDAOTombstones) }

func testOutboxDAOTombstones(t *testing.T, s *outboxSetup) {
	ctx := t.Context()
	accounts, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	versioned, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "versioned", s.relay, s.topic, dao.WithVersionField(accountVersion))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []outbox.DAO[account, string]{accounts, versioned} {
		for _, id := range []string{"a", "b", "c"} {
			if err := d.Insert(ctx, account{ID: id, Name: "n-" + id}); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Delete(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Get(ctx, "a"); !errors.Is(err, dao.ErrNotFound) {
			t.Errorf("Get of a tombstone: %v, want ErrNotFound", err)
		}
		all, err := dao.Collect(d.Find(ctx, dao.All[account]()))
		if err != nil || len(all) != 2 || all[0].ID != "b" {
			t.Errorf("Find(All) = %+v, %v; want b and c", all, err)
		}
		name := dao.MustField[account, string]("name")
		or, err := dao.Collect(d.Find(ctx, dao.Or(name.Eq("n-a"), name.Eq("n-c"))))
		if err != nil || len(or) != 1 || or[0].ID != "c" {
			t.Errorf("Find(Or) = %+v, %v; want c alone", or, err)
		}
		if n, err := d.Count(ctx, dao.All[account]()); err != nil || n != 2 {
			t.Errorf("Count = %d, %v; want 2", n, err)
		}
		if _, err := d.FindOne(ctx, name.Eq("n-a")); !errors.Is(err, dao.ErrNoHits) {
			t.Errorf("FindOne of a tombstone's former name: %v, want ErrNoHits", err)
		}
		if err := d.Insert(ctx, account{ID: "a"}); !errors.Is(err, dao.ErrAlreadyExists) {
			t.Errorf("Insert of a tombstone's id: %v, want ErrAlreadyExists", err)
		}
		if _, err := d.Update(ctx, account{ID: "a"}); !errors.Is(err, dao.ErrNotFound) {
			t.Errorf("Update of a tombstone: %v, want ErrNotFound", err)
		}
		if err := d.Delete(ctx, "a"); !errors.Is(err, dao.ErrNotFound) {
			t.Errorf("Delete of a tombstone: %v, want ErrNotFound", err)
		}
		if err := d.Delete(ctx, "zz"); !errors.Is(err, dao.ErrNotFound) {
			t.Errorf("Delete of a missing id: %v, want ErrNotFound", err)
		}
		if _, err := d.Upsert(ctx, account{ID: "a", Name: "again", Version: 7}); err != nil {
			t.Errorf("Upsert over a tombstone: %v", err)
		}
		if got, err := d.Get(ctx, "a"); err != nil || got.Name != "again" {
			t.Errorf("Get after the upsert = %+v, %v", got, err)
		}
	}
	// Optimistic concurrency holds on live documents.
	b, _ := versioned.Get(ctx, "b")
	if _, err := versioned.Update(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := versioned.Update(ctx, b); !errors.Is(err, dao.ErrConflict) {
		t.Errorf("Update at a stale version: %v, want ErrConflict", err)
	}
	if _, err := versioned.Upsert(ctx, b); !errors.Is(err, dao.ErrConflict) {
		t.Errorf("Upsert at a stale version: %v, want ErrConflict", err)
	}
	// Reviving a tombstone with a taken unique value is a unique violation,
	// not a version conflict.
	accountName := dao.MustField[account, string]("name")
	if err := s.b.CreateTopic(s.topic+"-u", 1); err != nil {
		t.Fatal(err)
	}
	unique, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "unique", s.relay, s.topic+"-u",
		dao.WithVersionField(accountVersion), dao.WithUnique(accountName))
	if err != nil {
		t.Fatal(err)
	}
	_ = unique.Insert(ctx, account{ID: "x", Name: "taken"})
	_ = unique.Insert(ctx, account{ID: "y", Name: "y"})
	_ = unique.Delete(ctx, "y")
	if _, err := unique.Upsert(ctx, account{ID: "y", Name: "taken", Version: 3}); !errors.Is(err, dao.ErrUniqueViolation) {
		t.Errorf("Upsert over a tombstone with a taken unique value: %v, want ErrUniqueViolation", err)
	}
	if _, err := unique.Upsert(ctx, account{ID: "y", Name: "free", Version: 3}); err != nil {
		t.Errorf("Upsert over a tombstone: %v", err)
	}
	// Every write is published: 3 inserts, 1 delete, 1 upsert per DAO, plus
	// the one versioned update (the latest state per id).
	if _, err := s.relay.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.b.Messages(s.topic)); n != 6 {
		t.Errorf("%d messages published, want the latest state of 3 ids of 2 DAOs", n)
	}
}

func TestOutboxDAORepublishGivesPlainDocumentsMetadata(t *testing.T) {
	s := newOutboxSetup(t)
	cid := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(t.Context(), cid)
	// A document written by a plain DAO before the collection became an
	// outbox.
	plain, err := mongo.NewDAO[account, string](ctx, s.db, "accounts")
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Insert(ctx, account{ID: "p", Name: "plain"}); err != nil {
		t.Fatal(err)
	}
	accounts, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := accounts.Get(ctx, "p"); err != nil || got.Name != "plain" {
		t.Fatalf("Get of a document without metadata = %+v, %v", got, err)
	}
	_ = accounts.Insert(ctx, account{ID: "a", Name: "x"})
	_ = accounts.Insert(ctx, account{ID: "d", Name: "y"})
	_ = accounts.Delete(ctx, "d")
	if n, err := accounts.PublishPending(ctx); err != nil || n != 2 {
		t.Fatalf("PublishPending = %d, %v; want 2 (the plain document is published already)", n, err)
	}
	if n, err := accounts.Republish(ctx); err != nil || n != 3 {
		t.Fatalf("Republish = %d, %v; want 3", n, err)
	}
	msgs := s.b.Messages(s.topic)
	got := map[string]string{}
	for _, m := range msgs[2:] {
		got[m.Key] = m.Type
	}
	want := map[string]string{"a": outbox.ChangeEventType, "d": outbox.DeleteEventType, "p": outbox.ChangeEventType}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("republished %v, want %v", got, want)
	}
	meta, ok := s.stored(t, "accounts", "p").Lookup("__metadata__").DocumentOK()
	if !ok {
		t.Fatal("the republished plain document has no metadata")
	}
	if got, want := keys(t, meta), []string{"deleted", "published", "correlation_id", "last_event_id", "stamp"}; !reflect.DeepEqual(got, want) {
		t.Errorf("metadata keys %v, want %v", got, want)
	}
	if binaryUUID(t, "correlation_id", meta.Lookup("correlation_id")) != cid {
		t.Errorf("correlation id %v, want the republishing context's", meta.Lookup("correlation_id"))
	}
	if v, _ := meta.Lookup("published").BooleanOK(); !v {
		t.Errorf("published %v after Republish", meta.Lookup("published"))
	}
}

// TestOutboxRelayKeepsTheLastStatePerID writes concurrently to a few ids
// while the relay runs, and checks that the last event of every id is its
// stored state: no write is lost or published out of order.
func TestOutboxRelayKeepsTheLastStatePerID(t *testing.T) {
	serverPaths(t, testOutboxRelayKeepsTheLastStatePerID)
}

func testOutboxRelayKeepsTheLastStatePerID(t *testing.T, s *outboxSetup) {
	ctx := t.Context()
	accounts, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	// A second DAO on the same collection shares its per-id locks.
	other, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.relay.Run(rctx) }()
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := accounts
			if w%2 == 1 {
				d = other
			}
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for i := range 60 {
				id := "id" + strconv.Itoa(r.IntN(8))
				var err error
				if r.IntN(4) == 0 {
					err = d.Delete(ctx, id)
				} else {
					_, err = d.Upsert(ctx, account{ID: id, Name: fmt.Sprintf("w%d-%d", w, i)})
				}
				if err != nil && !errors.Is(err, dao.ErrNotFound) {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := s.raw.Collection("accounts").CountDocuments(ctx, bson.D{{Key: "__metadata__.published", Value: false}})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d changes still pending", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last := map[string]*events.Message{}
	for _, m := range s.b.Messages(s.topic) {
		last[m.Key] = m // one partition: in publication order
	}
	for i := range 8 {
		id := "id" + strconv.Itoa(i)
		got, err := accounts.Get(ctx, id)
		m := last[id]
		switch {
		case errors.Is(err, dao.ErrNotFound):
			if m != nil && m.Type != outbox.DeleteEventType {
				t.Errorf("%s is deleted, its last event is %s %s", id, m.Type, m.Payload)
			}
		case err != nil:
			t.Fatal(err)
		default:
			want, _ := json.Marshal(got)
			if m == nil || m.Type != outbox.ChangeEventType || string(m.Payload) != string(want) {
				t.Errorf("%s is %s, its last event is %+v", id, want, m)
			}
		}
	}
}

// noted is an event with a payload of any JSON shape.
type noted struct {
	Text string          `json:"text"`
	Data json.RawMessage `json:"data"`
}

func (noted) EventType() string { return "noted" }

// richJSON exercises the JSON -> BSON -> JSON conversion of stored events.
const richJSON = `{"s":"héllo 🌍 \u2028 \"q\" \\ /\n\t","i":42,"neg":-3,"big":9007199254740993,"low":-2147483649,
"f":2.5,"tiny":1e-300,"huge":1e300,"t":true,"n":null,"empty":{},"none":[],
"arr":[1,"x",{"k":null,"z":[{}]},false,-0.5],"nested":{"b":{"c":{"d":[{"e":"é"}]}},"a":1}}`

// sameJSON reports whether two JSON texts hold the same value: objects
// with the same members, arrays with the same elements, equal numbers.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	decode := func(p []byte) any {
		d := json.NewDecoder(bytesReader(p))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return normalize(v)
	}
	return reflect.DeepEqual(decode(a), decode(b))
}

func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		if f == float64(int64(f)) {
			return int64(f)
		}
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	}
	return v
}

func TestPersistentPublisherStorageAndRoundTrip(t *testing.T) {
	s := newOutboxSetup(t)
	cid := hexkit.NewCorrelationID()
	ctx := hexkit.WithCorrelationID(t.Context(), cid)
	compactedTopic := s.topic + "-c"
	if err := s.b.CreateTopic(compactedTopic, 1); err != nil {
		t.Fatal(err)
	}
	plain, err := mongo.NewPersistentPublisher[noted](ctx, s.db, "events", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	compacted, err := mongo.NewPersistentPublisher[noted](ctx, s.db, "events", s.relay, compactedTopic, outbox.WithCompaction())
	if err != nil {
		t.Fatal(err)
	}
	ev := noted{Text: "rich", Data: json.RawMessage(richJSON)}
	before := time.Now().Add(-time.Millisecond)
	if err := plain.Publish(ctx, "k1", ev, events.WithHeaders(map[string]string{"h1": "v1", "h2": "v2"})); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := compacted.Publish(ctx, "k1", noted{Text: strconv.Itoa(i), Data: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	coll := s.raw.Collection("events")
	doc, err := coll.FindOne(ctx, bson.D{{Key: "topic", Value: s.topic}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"_id", "topic", "payload", "key", "type_", "event_id", "headers", "correlation_id", "created", "published", "stamp"}
	if got := keys(t, doc); !reflect.DeepEqual(got, want) {
		t.Errorf("stored keys %v, want %v", got, want)
	}
	eventID := binaryUUID(t, "event_id", doc.Lookup("event_id"))
	if id, _ := doc.Lookup("_id").StringValueOK(); id != eventID {
		t.Errorf("_id %v, want the event id %s on a topic that is not compacted", doc.Lookup("_id"), eventID)
	}
	if got := binaryUUID(t, "correlation_id", doc.Lookup("correlation_id")); got != cid {
		t.Errorf("correlation_id %s, want %s", got, cid)
	}
	if k, _ := doc.Lookup("key").StringValueOK(); k != "k1" {
		t.Errorf("key %v", doc.Lookup("key"))
	}
	if ty, _ := doc.Lookup("type_").StringValueOK(); ty != "noted" {
		t.Errorf("type_ %v", doc.Lookup("type_"))
	}
	if h, ok := doc.Lookup("headers").DocumentOK(); !ok || h.Lookup("h1").StringValue() != "v1" || h.Lookup("h2").StringValue() != "v2" {
		t.Errorf("headers %v, want a document of strings", doc.Lookup("headers"))
	}
	if c, ok := doc.Lookup("created").TimeOK(); !ok || c.Before(before) || c.After(time.Now()) {
		t.Errorf("created %v, want a datetime of now", doc.Lookup("created"))
	}
	if p, ok := doc.Lookup("published").BooleanOK(); !ok || p {
		t.Errorf("published %v, want false", doc.Lookup("published"))
	}
	payload, ok := doc.Lookup("payload").DocumentOK()
	if !ok {
		t.Fatalf("payload %v, want a document", doc.Lookup("payload"))
	}
	if v := payload.Lookup("data", "big"); v.Type != bson.TypeInt64 || v.Int64() != 9007199254740993 {
		t.Errorf("payload.data.big = %v, want an int64", v)
	}
	if v := payload.Lookup("data", "i"); v.Type != bson.TypeInt32 {
		t.Errorf("payload.data.i = %v, want an int32", v)
	}
	if v := payload.Lookup("data", "f"); v.Type != bson.TypeDouble {
		t.Errorf("payload.data.f = %v, want a double", v)
	}
	if v := payload.Lookup("data", "arr"); v.Type != bson.TypeArray {
		t.Errorf("payload.data.arr = %v, want an array", v)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: compactedTopic + ":k1"}}); err != nil || n != 1 {
		t.Errorf("%d stored events under the compaction key %s:k1 (%v), want 1", n, compactedTopic, err)
	}

	// FerretDB stores no nested arrays: such an event is refused before it
	// is stored, with the events sentinel (MongoDB stores it).
	err = plain.Publish(ctx, "k2", noted{Data: json.RawMessage(`{"m":[[1]]}`)})
	if err != nil && !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("Publish of a nested array: %v, want nil or ErrInvalidMessage", err)
	}
	nested := 0
	if err == nil {
		nested = 1
	}
	// Nor keys holding a dot or starting with '$'.
	for _, data := range []string{`{"a.b":1}`, `{"$x":1}`} {
		err := plain.Publish(ctx, "k3", noted{Data: json.RawMessage(data)})
		if err != nil && !errors.Is(err, events.ErrInvalidMessage) {
			t.Errorf("Publish of %s: %v, want nil or ErrInvalidMessage", data, err)
		}
		if err == nil {
			nested++
		}
	}
	if n, err := s.relay.PublishPending(ctx); err != nil || n != 2+nested {
		t.Fatalf("PublishPending = %d, %v; want 2 (one event, and the latest of the compacted key)", n, err)
	}
	msgs := s.b.Messages(s.topic)
	if len(msgs) != 1+nested {
		t.Fatalf("%d messages, want %d", len(msgs), 1+nested)
	}
	m := msgs[0]
	original, _ := json.Marshal(ev)
	if !sameJSON(t, m.Payload, original) {
		t.Errorf("payload after storage:\n%s\nwant the equivalent of\n%s", m.Payload, original)
	}
	if m.EventID != eventID || m.CorrelationID != cid || m.Key != "k1" || m.Type != "noted" || m.Headers["h1"] != "v1" || len(m.Headers) != 2 {
		t.Errorf("message %+v", m)
	}
	if cm := s.b.Messages(compactedTopic); len(cm) != 1 || !sameJSON(t, cm[0].Payload, []byte(`{"text":"2","data":{}}`)) {
		t.Errorf("compacted topic got %d messages, want the latest one", len(cm))
	}
	if p, _ := s.stored(t, "events", eventID).Lookup("published").BooleanOK(); !p {
		t.Errorf("the event is not marked published")
	}
	if n, err := plain.Republish(ctx); err != nil || n != 1+nested {
		t.Fatalf("Republish = %d, %v; want %d (its own topic only)", n, err, 1+nested)
	}
	if msgs := s.b.Messages(s.topic); len(msgs) != 2+2*nested || msgs[1+nested].EventID != eventID || !sameJSON(t, msgs[1+nested].Payload, original) {
		t.Errorf("republished %+v, want the same event again", msgs)
	}
	if n, err := s.relay.PublishPending(ctx); err != nil || n != 0 {
		t.Errorf("PublishPending after everything was sent = %d, %v", n, err)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// TestOutboxDAOConformance runs the DAO conformance suite on outbox DAOs:
// apart from tombstones, an outbox DAO is a DAO. The one rule tombstones
// change, Insert of a deleted id, is adapted (see reviving), and its
// string ids stay printable ASCII (they are event keys).
func TestOutboxDAOConformance(t *testing.T) {
	s := newOutboxSetup(t)
	daotest.Run(t, daotest.Harness{
		People:   newOutboxDAO[daotest.Person, string](s),
		Counters: newOutboxDAO[daotest.Counter, int64](s),
		Tickets:  newOutboxDAO[daotest.Ticket, uuid.UUID](s),
	}, daotest.Features{ASCIIIDs: true})
}

func newOutboxDAO[T any, ID comparable](s *outboxSetup) func(testing.TB, ...dao.Option[T]) (dao.DAO[T, ID], error) {
	return func(tb testing.TB, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d, err := mongo.NewOutboxDAO[T, ID](ctx, s.db, testenv.UniqueName(tb, "c"), s.relay, s.topic, opts...)
		if err != nil {
			return nil, err
		}
		return newReviving(d), nil
	}
}

// reviving stores a deleted id again with Upsert when the suite inserts
// it: an outbox DAO keeps a tombstone of a deleted document, so Insert of
// its id fails with ErrAlreadyExists (TestOutboxDAOTombstones checks it),
// where a plain DAO accepts it. It remembers the ids it deleted, and
// upserts a document refused with ErrAlreadyExists only when one of its
// fields holds such an id and no live document has it.
type reviving[T any, ID comparable] struct {
	outbox.DAO[T, ID]
	mu      *sync.Mutex
	deleted map[ID]bool
}

func newReviving[T any, ID comparable](d outbox.DAO[T, ID]) reviving[T, ID] {
	return reviving[T, ID]{DAO: d, mu: new(sync.Mutex), deleted: map[ID]bool{}}
}

func (d reviving[T, ID]) Delete(ctx context.Context, id ID) error {
	err := d.DAO.Delete(ctx, id)
	if err == nil {
		d.mu.Lock()
		d.deleted[id] = true
		d.mu.Unlock()
	}
	return err
}

func (d reviving[T, ID]) Insert(ctx context.Context, doc T) error {
	err := d.DAO.Insert(ctx, doc)
	if !errors.Is(err, dao.ErrAlreadyExists) {
		return err
	}
	var fields map[string]json.RawMessage
	b, _ := json.Marshal(doc)
	_ = json.Unmarshal(b, &fields)
	d.mu.Lock()
	defer d.mu.Unlock()
	for id := range d.deleted {
		idJSON, _ := json.Marshal(id)
		for _, v := range fields {
			if string(v) != string(idJSON) {
				continue
			}
			if _, gerr := d.DAO.Get(ctx, id); errors.Is(gerr, dao.ErrNotFound) {
				_, err = d.DAO.Upsert(ctx, doc)
				return err
			}
		}
	}
	return err
}

// Two relays on one database (two instances of a service) share the lease:
// while one holds it, the other publishes nothing, and it takes over once
// the holder stops.
func TestRelaysShareTheLease(t *testing.T) {
	s := newOutboxSetup(t)
	ctx := t.Context()
	snd, err := memevents.NewSender(s.b)
	if err != nil {
		t.Fatal(err)
	}
	standby, err := mongo.NewRelay(s.db, snd, outbox.WithLeaseTTL(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	first, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	second, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", standby, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Insert(ctx, account{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.relay.Run(rctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.b.Messages(s.topic)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := second.Insert(ctx, account{ID: "b"}); err != nil {
		t.Fatal(err)
	}
	if n, err := second.PublishPending(ctx); !errors.Is(err, outbox.ErrLeaseHeld) || n != 0 {
		t.Errorf("PublishPending of the standby = %d, %v; want 0 and ErrLeaseHeld", n, err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The holder released the lease when it stopped: the standby takes it.
	if _, err := second.PublishPending(ctx); err != nil {
		t.Fatalf("PublishPending after the holder stopped: %v", err)
	}
	if msgs := s.b.Messages(s.topic); len(msgs) != 2 || msgs[0].Key != "a" || msgs[1].Key != "b" {
		t.Errorf("published %d messages, want a then b", len(msgs))
	}
}

func TestOutboxConstructorsRefuseBadArguments(t *testing.T) {
	s := newOutboxSetup(t)
	ctx := t.Context()
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, outbox.ErrInvalidOption) {
			t.Errorf("%s: %v, want ErrInvalidConfig and outbox.ErrInvalidOption", what, err)
		}
	}
	_, err := mongo.NewOutboxDAO[account, string](ctx, nil, "c", s.relay, s.topic)
	check("NewOutboxDAO with a nil DB", err)
	if !errors.Is(err, dao.ErrInvalidOption) {
		t.Errorf("NewOutboxDAO with a nil DB: %v, want dao.ErrInvalidOption too", err)
	}
	_, err = mongo.NewOutboxDAO[account, string](ctx, s.db, "", s.relay, s.topic)
	check("NewOutboxDAO with no collection", err)
	_, err = mongo.NewPersistentPublisher[noted](ctx, nil, "c", s.relay, s.topic)
	check("NewPersistentPublisher with a nil DB", err)
	_, err = mongo.NewPersistentPublisher[noted](ctx, s.db, "", s.relay, s.topic)
	check("NewPersistentPublisher with no collection", err)
	snd, _ := memevents.NewSender(s.b)
	_, err = mongo.NewRelay(nil, snd)
	check("NewRelay with a nil DB", err)
	if _, err := mongo.NewRelay(s.db, nil); !errors.Is(err, outbox.ErrInvalidOption) {
		t.Errorf("NewRelay with a nil sender: %v, want outbox.ErrInvalidOption", err)
	}
	if _, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "c", s.relay, "bad topic!"); !errors.Is(err, events.ErrInvalidMessage) {
		t.Errorf("NewOutboxDAO with an invalid topic: %v, want events.ErrInvalidMessage", err)
	}
}

// TestOutboxFullBatchOnFerretDB publishes a backlog larger than the
// default batch in one PublishPending: FerretDB v1.24 deadlocks on an
// update command of 100 statements, so the marks of a batch of 500 must
// reach it in smaller commands.
func TestOutboxFullBatchOnFerretDB(t *testing.T) {
	s := newOutboxSetup(t)
	ctx := context.Background()
	accounts, err := mongo.NewOutboxDAO[account, string](ctx, s.db, "accounts", s.relay, s.topic)
	if err != nil {
		t.Fatal(err)
	}
	const n = 600
	for i := range n {
		if err := accounts.Insert(ctx, account{ID: fmt.Sprintf("a-%04d", i), Name: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if got, err := accounts.PublishPending(pctx); err != nil || got != n {
		t.Fatalf("PublishPending = %d, %v; want %d", got, err, n)
	}
	if got, err := accounts.PublishPending(pctx); err != nil || got != 0 {
		t.Fatalf("PublishPending again = %d, %v; want 0 (all marked)", got, err)
	}
	if got := len(s.b.Messages(s.topic)); got != n {
		t.Fatalf("%d events published, want %d", got, n)
	}
}

// TestOutboxDAOMetadataField: a document type with a top-level field named
// __metadata__ is refused when the DAO is built (every write failed).
func TestOutboxDAOMetadataField(t *testing.T) {
	s := newOutboxSetup(t)
	type withMetadata struct {
		ID   string         `json:"id"`
		Meta map[string]int `json:"__metadata__"`
	}
	d, err := mongo.NewOutboxDAO[withMetadata, string](t.Context(), s.db, testenv.UniqueName(t, "c"), s.relay, s.topic)
	if !errors.Is(err, dao.ErrInvalidDocument) || d != nil {
		t.Errorf("NewOutboxDAO of a type with a top-level field __metadata__ = %v, %v; want nil and an error wrapping dao.ErrInvalidDocument", d, err)
	}
}
