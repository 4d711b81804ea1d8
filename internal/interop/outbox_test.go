package interop

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/outbox"
)

// outboxDoc is the document of the outbox interop tests, the Doc model of
// outbox_peer.py: one field of every JSON kind.
type outboxDoc struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Count   int64          `json:"count"`
	Ratio   float64        `json:"ratio"`
	Active  bool           `json:"active"`
	Tags    []string       `json:"tags"`
	Address outboxAddress  `json:"address"`
	Scores  map[string]int `json:"scores"`
}

type outboxAddress struct {
	City string `json:"city"`
	Zip  int    `json:"zip"`
}

// newOutboxDoc returns a document whose fields all depend on id and n.
func newOutboxDoc(id string, n int) outboxDoc {
	return outboxDoc{
		ID:      id,
		Name:    "Zoë " + id + " 世界",
		Count:   1<<40 + int64(n),
		Ratio:   0.1 * float64(n+1),
		Active:  n%2 == 0,
		Tags:    append([]string{}, []string{"x", "y", "z"}[:n%4]...),
		Address: outboxAddress{City: "Köln-" + id, Zip: 50667 + n},
		Scores:  map[string]int{"n": n, "neg": -n},
	}
}

// outboxEnv is what every outbox interop test needs: a broker, a database
// of its own on the MongoDB server, both as Go sees them, and the Python
// peer on both.
type outboxEnv struct {
	b    *kafkatest.Broker
	raw  *mongodriver.Database
	db   *mongo.DB
	peer *OutboxPeer
}

func newOutboxEnv(t *testing.T) outboxEnv {
	t.Helper()
	b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	uri, name := testenv.MongoURI(t), testenv.UniqueName(t, "outbox")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	db, raw := openDatabase(ctx, t, uri, name)
	python, err := EnsurePythonMongoKafka(ctx)
	if err != nil {
		t.Fatalf("setting up Python hexkit: %v", err)
	}
	peer, err := NewOutboxPeer(python, t.TempDir(), b.Addrs(), testenv.UniqueName(t, "py"), uri, name)
	if err != nil {
		t.Fatal(err)
	}
	return outboxEnv{b: b, raw: raw, db: db, peer: peer}
}

// writeOp is one write of a history (for Python's outbox DAO or a Go one),
// with a correlation id of its own.
func writeOp(op string, doc outboxDoc) OutboxOp {
	return OutboxOp{Op: op, Doc: doc, CorrelationID: hexkit.NewCorrelationID()}
}

// deleteOp is one deletion of a history, with a correlation id of its own.
func deleteOp(id string) OutboxOp {
	return OutboxOp{Op: "delete", ID: id, CorrelationID: hexkit.NewCorrelationID()}
}

// change is one change of a document as a subscriber saw it.
type change struct {
	Type          string // changed or deleted
	CorrelationID string
	Doc           *outboxDoc // changed only
}

// expectedChanges returns, per id, the changes that ops publish on an
// autopublishing outbox DAO, given which of them succeed.
func expectedChanges(ops []OutboxOp, results []OutboxResult) map[string][]change {
	want := map[string][]change{}
	for i, op := range ops {
		if results[i].Error != "" {
			continue
		}
		switch op.Op {
		case "insert", "update", "upsert":
			doc := op.Doc.(outboxDoc)
			want[doc.ID] = append(want[doc.ID], change{"changed", op.CorrelationID, &doc})
		case "delete":
			want[op.ID] = append(want[op.ID], change{"deleted", op.CorrelationID, nil})
		}
	}
	return want
}

// decodeValue decodes a result's value.
func decodeValue[V any](t *testing.T, r OutboxResult) V {
	t.Helper()
	var v V
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(r.Value, &v); err != nil {
		t.Fatalf("python %s returned %s: %v", r.Op, r.Value, err)
	}
	return v
}

// byID indexes documents by id.
func byID(docs []outboxDoc) map[string]outboxDoc {
	m := make(map[string]outboxDoc, len(docs))
	for _, d := range docs {
		m[d.ID] = d
	}
	return m
}

// pythonHistory is a history of writes on Python's outbox DAO that
// inserts, updates, upserts (new and existing ids, and over a tombstone)
// and deletes, with two writes Python refuses. It leaves a, b, c, f live
// and d, e deleted.
func pythonHistory() []OutboxOp {
	return []OutboxOp{
		writeOp("insert", newOutboxDoc("a", 0)),
		writeOp("insert", newOutboxDoc("b", 1)),
		writeOp("insert", newOutboxDoc("c", 2)),
		writeOp("insert", newOutboxDoc("d", 3)),
		writeOp("update", newOutboxDoc("a", 10)),
		writeOp("upsert", newOutboxDoc("b", 11)),
		writeOp("upsert", newOutboxDoc("e", 4)),
		deleteOp("c"),
		deleteOp("d"),
		writeOp("insert", newOutboxDoc("d", 13)), // refused: d's tombstone keeps its id
		writeOp("update", newOutboxDoc("c", 12)), // refused: c is deleted
		writeOp("upsert", newOutboxDoc("c", 22)), // c lives again
		deleteOp("e"),
		writeOp("upsert", newOutboxDoc("f", 5)),
		writeOp("update", newOutboxDoc("f", 15)),
	}
}

// checkPythonHistory checks what Python answered to pythonHistory.
func checkPythonHistory(t *testing.T, results []OutboxResult) {
	t.Helper()
	refused := map[int]string{9: "ResourceAlreadyExistsError", 10: "ResourceNotFoundError"}
	for i, r := range results {
		if r.Error != refused[i] {
			t.Fatalf("python operation %d (%s): error %q (%s), want %q", i, r.Op, r.Error, r.Message, refused[i])
		}
	}
}

// TestPythonOutboxMirroredByGo: Python hexkit's outbox DAO inserts,
// updates, upserts and deletes documents; a Go subscriber with a typed
// change handler (outbox.HandleChanges) is told every change of every
// document, in order and with its correlation id, and its mirror equals
// Python's final state exactly.
func TestPythonOutboxMirroredByGo(t *testing.T) {
	env := newOutboxEnv(t)
	topic := env.b.Topic(t, "py-outbox", 3)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	var mu sync.Mutex
	mirror := map[string]outboxDoc{}
	seen := map[string][]change{}
	r := events.NewRouter(events.WithLogger(slog.New(slog.DiscardHandler)))
	outbox.HandleChanges(r, topic, outbox.ChangeFuncs[outboxDoc, string]{
		OnChanged: func(ctx context.Context, id string, doc outboxDoc) error {
			mu.Lock()
			defer mu.Unlock()
			mirror[id] = doc
			cid, _ := hexkit.CorrelationID(ctx)
			seen[id] = append(seen[id], change{"changed", cid, &doc})
			return nil
		},
		OnDeleted: func(ctx context.Context, id string) error {
			mu.Lock()
			defer mu.Unlock()
			delete(mirror, id)
			cid, _ := hexkit.CorrelationID(ctx)
			seen[id] = append(seen[id], change{"deleted", cid, nil})
			return nil
		},
	})
	group := testenv.UniqueName(t, "go-mirror")
	sub, err := kafka.NewSubscriber(env.b.Open(t, group), group, r, events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	runUntilEnd(ctx, t, "subscriber", sub.Run)

	ops := pythonHistory()
	results, err := env.peer.DAO(ctx, topic, "docs", true, append(ops, OutboxOp{Op: "find"})...)
	if err != nil {
		t.Fatal(err)
	}
	checkPythonHistory(t, results[:len(ops)])
	final := byID(decodeValue[[]outboxDoc](t, results[len(ops)]))
	if len(final) != 4 {
		t.Fatalf("Python's final state has %d documents, want a, b, c and f", len(final))
	}

	if err := sub.WaitIdle(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(final, mirror); diff != "" {
		t.Errorf("Go's mirror differs from Python's final state (-python +go):\n%s", diff)
	}
	if diff := cmp.Diff(expectedChanges(ops, results), seen); diff != "" {
		t.Errorf("changes the Go handler was told of, per id (-want +got):\n%s", diff)
	}
}

// newRelay returns a relay on env's database that publishes to env's
// broker, polling often; it does not run until the test runs it.
func (env outboxEnv) newRelay(t *testing.T) *outbox.Relay {
	t.Helper()
	relay, err := mongo.NewRelay(env.db, env.b.Sender(t), outbox.WithPollInterval(50*time.Millisecond),
		outbox.WithRelayLogger(slog.New(slog.DiscardHandler)),
		outbox.WithRelayErrorHook(func(_ context.Context, err error) { t.Logf("relay: %v", err) }))
	if err != nil {
		t.Fatal(err)
	}
	return relay
}

// goApply applies one write of a history to a Go DAO, in a context with
// the write's correlation id.
func goApply(ctx context.Context, d dao.DAO[outboxDoc, string], op OutboxOp) error {
	ctx = hexkit.WithCorrelationID(ctx, op.CorrelationID)
	var err error
	switch op.Op {
	case "insert":
		err = d.Insert(ctx, op.Doc.(outboxDoc))
	case "update":
		_, err = d.Update(ctx, op.Doc.(outboxDoc))
	case "upsert":
		_, err = d.Upsert(ctx, op.Doc.(outboxDoc))
	case "delete":
		err = d.Delete(ctx, op.ID)
	default:
		err = errors.New("unknown operation " + op.Op)
	}
	return err
}

// goHistory applies ops to d and fails the test unless exactly the
// writes refused maps to an error fail, each with that error. It returns
// the results as an autopublishing Python DAO would report them.
func goHistory(ctx context.Context, t *testing.T, d dao.DAO[outboxDoc, string], ops []OutboxOp, refused map[int]error) []OutboxResult {
	t.Helper()
	results := make([]OutboxResult, len(ops))
	for i, op := range ops {
		err := goApply(ctx, d, op)
		if want := refused[i]; !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Fatalf("Go write %d (%s): %v, want %v", i, op.Op, err, want)
		}
		results[i] = OutboxResult{Op: op.Op}
		if err != nil {
			results[i].Error = err.Error()
		}
	}
	return results
}

// goFind returns every live document of d by id.
func goFind(ctx context.Context, t *testing.T, d dao.DAO[outboxDoc, string]) map[string]outboxDoc {
	t.Helper()
	var docs []outboxDoc
	for doc, err := range d.Find(ctx, dao.All[outboxDoc]()) {
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return byID(docs)
}

// published is one event of an outbox topic as the broker holds it.
type published struct {
	Type, CorrelationID string
	Payload             any
}

// publishedByKey reads the records of an outbox topic: per key, its events
// in order. Every record must carry a UUID4 event id, and a deletion the
// payload {}.
func publishedByKey(t *testing.T, recs []kafkatest.Recorded) map[string][]published {
	t.Helper()
	got := map[string][]published{}
	for _, r := range recs {
		m := r.Message
		if err := hexkit.ValidateCorrelationID(m.EventID); err != nil {
			t.Errorf("event %s of %s: event id %q: %v", m.Type, m.Key, m.EventID, err)
		}
		var payload any
		if err := json.Unmarshal(m.Payload, &payload); err != nil {
			t.Fatalf("event %s of %s: payload %s: %v", m.Type, m.Key, m.Payload, err)
		}
		if m.Type == outbox.DeleteEventType && string(m.Payload) != "{}" {
			t.Errorf("deletion of %s carries payload %s, want {}", m.Key, m.Payload)
		}
		got[m.Key] = append(got[m.Key], published{m.Type, m.CorrelationID, payload})
	}
	return got
}

// wantPublished is what publishedByKey returns for the changes of want.
func wantPublished(want map[string][]change) map[string][]published {
	out := map[string][]published{}
	for id, changes := range want {
		for _, c := range changes {
			p := published{Type: outbox.DeleteEventType, CorrelationID: c.CorrelationID, Payload: map[string]any{}}
			if c.Doc != nil {
				b, _ := json.Marshal(c.Doc)
				_ = json.Unmarshal(b, &p.Payload)
				p.Type = outbox.ChangeEventType
			}
			out[id] = append(out[id], p)
		}
	}
	return out
}

// lastOnly keeps the last change of every id.
func lastOnly[V any](m map[string][]V) map[string][]V {
	out := make(map[string][]V, len(m))
	for id, vs := range m {
		out[id] = vs[len(vs)-1:]
	}
	return out
}

// TestGoOutboxMirroredByPython: the history of TestPythonOutboxMirroredByGo
// written by a Go outbox DAO, published by its relay: Python hexkit's
// outbox subscriber (a DaoSubscriberProtocol translator run by
// KafkaOutboxSubscriber) mirrors Go's final state exactly, every change it
// is told of is one Go wrote, in order, and the last of each document is
// its last write, with that write's correlation id.
func TestGoOutboxMirroredByPython(t *testing.T) {
	env := newOutboxEnv(t)
	topic := env.b.Topic(t, "go-outbox", 3)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	relay := env.newRelay(t)
	runUntilEnd(ctx, t, "relay", relay.Run)
	d, err := mongo.NewOutboxDAO[outboxDoc, string](ctx, env.db, "docs", relay, topic)
	if err != nil {
		t.Fatal(err)
	}

	rec := env.b.Record(t, topic)
	ops := pythonHistory()
	refusedByGo := map[int]error{9: dao.ErrAlreadyExists, 10: dao.ErrNotFound}
	results := goHistory(ctx, t, d, ops, refusedByGo)
	if _, err := d.PublishPending(ctx); err != nil {
		t.Fatal(err)
	}
	final := goFind(ctx, t, d)
	if len(final) != 4 {
		t.Fatalf("Go's final state has %d documents, want a, b, c and f", len(final))
	}

	// The relay may publish only the last state of a document written
	// again before it was published, never a state out of order.
	recs := rec.Records(t)
	t.Logf("Go's relay published %d events for %d writes", len(recs), len(ops)-len(refusedByGo))
	want := wantPublished(expectedChanges(ops, results))
	got := publishedByKey(t, recs)
	if diff := cmp.Diff(lastOnly(want), lastOnly(got)); diff != "" {
		t.Errorf("the last event of every document (-want +got):\n%s", diff)
	}
	for id, events := range got {
		if !isSubsequence(events, want[id]) {
			t.Errorf("events of %s: %v are not the changes %v in order", id, events, want[id])
		}
	}

	m, err := env.peer.Mirror(ctx, topic, len(recs))
	if err != nil {
		t.Fatal(err)
	}
	mirror := map[string]outboxDoc{}
	for id, raw := range m.Docs {
		var doc outboxDoc
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("Python's mirror of %s: %s: %v", id, raw, err)
		}
		mirror[id] = doc
	}
	if diff := cmp.Diff(final, mirror); diff != "" {
		t.Errorf("Python's mirror differs from Go's final state (-go +python):\n%s", diff)
	}
	told := map[string][]published{}
	for _, e := range m.Events {
		p := published{Type: outbox.DeleteEventType, CorrelationID: e.CorrelationID}
		if e.Type == "changed" {
			p.Type = outbox.ChangeEventType
		}
		told[e.ID] = append(told[e.ID], p)
	}
	for id, events := range got {
		for i := range events {
			events[i].Payload = nil
		}
		if diff := cmp.Diff(events, told[id]); diff != "" {
			t.Errorf("changes of %s Python was told of (-published +told):\n%s", id, diff)
		}
	}
}

// isSubsequence reports whether got is want with some elements left out.
func isSubsequence[V any](got, want []V) bool {
	i := 0
	for _, g := range got {
		for i < len(want) && !cmp.Equal(g, want[i]) {
			i++
		}
		if i == len(want) {
			return false
		}
		i++
	}
	return true
}
