package interop

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
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

// pyWrite is one write of Python's outbox DAO, with its correlation id.
func pyWrite(op string, doc outboxDoc) OutboxOp {
	return OutboxOp{Op: op, Doc: doc, CorrelationID: hexkit.NewCorrelationID()}
}

func pyDelete(id string) OutboxOp {
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
		pyWrite("insert", newOutboxDoc("a", 0)),
		pyWrite("insert", newOutboxDoc("b", 1)),
		pyWrite("insert", newOutboxDoc("c", 2)),
		pyWrite("insert", newOutboxDoc("d", 3)),
		pyWrite("update", newOutboxDoc("a", 10)),
		pyWrite("upsert", newOutboxDoc("b", 11)),
		pyWrite("upsert", newOutboxDoc("e", 4)),
		pyDelete("c"),
		pyDelete("d"),
		pyWrite("insert", newOutboxDoc("d", 13)), // refused: d's tombstone keeps its id
		pyWrite("update", newOutboxDoc("c", 12)), // refused: c is deleted
		pyWrite("upsert", newOutboxDoc("c", 22)), // c lives again
		pyDelete("e"),
		pyWrite("upsert", newOutboxDoc("f", 5)),
		pyWrite("update", newOutboxDoc("f", 15)),
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
	runSubscriber(ctx, t, sub)

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
