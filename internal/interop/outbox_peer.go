package interop

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed python/outbox_peer.py
var outboxPeerScript []byte

// EnsurePythonMongoKafka returns the interpreter of an environment with
// Python hexkit's akafka and mongodb extras, which its outbox DAO and
// persistent publisher need: the environment of [EnsurePythonKV], which
// holds both.
func EnsurePythonMongoKafka(ctx context.Context) (string, error) {
	return EnsurePythonKV(ctx)
}

// OutboxPeer runs Python hexkit's outbox DAO, outbox subscriber and
// persistent publisher (python/outbox_peer.py) on one broker and one
// database.
type OutboxPeer struct {
	Python  string   // from EnsurePythonMongoKafka
	Brokers []string // seed brokers
	Service string   // Python hexkit service name: its consumer group
	URI     string   // MongoDB connection string
	DB      string   // database name
	script  string
}

// NewOutboxPeer writes the peer script to dir and returns an OutboxPeer
// that runs it.
func NewOutboxPeer(python, dir string, brokers []string, service, uri, db string) (*OutboxPeer, error) {
	script := filepath.Join(dir, "outbox_peer.py")
	if err := os.WriteFile(script, outboxPeerScript, 0o644); err != nil {
		return nil, err
	}
	return &OutboxPeer{Python: python, Brokers: brokers, Service: service, URI: uri, DB: db, script: script}, nil
}

// OutboxOp is one operation of [OutboxPeer.DAO] or [OutboxPeer.Persistent]
// (see outbox_peer.py for the operations).
type OutboxOp struct {
	Op            string `json:"op"`
	Doc           any    `json:"doc,omitempty"`            // insert, update, upsert
	ID            string `json:"id,omitempty"`             // get, delete
	CorrelationID string `json:"correlation_id,omitempty"` // writes; a fresh one when empty
	Event         *Event `json:"event,omitempty"`          // publish, publish_failing
}

// OutboxResult is the result of one [OutboxOp]: its value as JSON, or the
// class name and message of the exception it raised.
type OutboxResult struct {
	Op      string          `json:"op"`
	Value   json.RawMessage `json:"value"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// Err returns the result's exception as an error, nil when there was none.
func (r OutboxResult) Err() error {
	if r.Error == "" {
		return nil
	}
	return fmt.Errorf("python %s: %s: %s", r.Op, r.Error, r.Message)
}

// Mirror is what Python hexkit's outbox subscriber made of an outbox topic:
// the documents by id, and every change it was told of, in order.
type Mirror struct {
	Docs   map[string]json.RawMessage `json:"docs"`
	Events []MirrorEvent              `json:"events"`
}

// MirrorEvent is one change a Python outbox subscriber was told of.
type MirrorEvent struct {
	Type          string `json:"type"` // changed or deleted
	ID            string `json:"id"`
	CorrelationID string `json:"correlation_id"`
}

func (p *OutboxPeer) run(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, p.Python, append([]string{p.script}, args...)...)
	cmd.Env = append(os.Environ(),
		"PEER_BROKERS="+strings.Join(p.Brokers, ","),
		"PEER_SERVICE="+p.Service,
		"PEER_MONGO_URI="+p.URI,
		"PEER_MONGO_DB="+p.DB,
	)
	cmd.Stdin = bytes.NewReader(stdin)
	return run(cmd)
}

// DAO runs ops on Python hexkit's outbox DAO (MongoKafkaDaoPublisher) over
// collection, publishing to topic; autopublish false leaves every change
// pending until a publish_pending or republish operation. It returns one
// result per operation.
func (p *OutboxPeer) DAO(ctx context.Context, topic, collection string, autopublish bool, ops ...OutboxOp) ([]OutboxResult, error) {
	args := []string{"dao", topic, collection}
	if !autopublish {
		args = append(args, "manual")
	}
	return p.ops(ctx, args, ops)
}

// Persistent runs ops on Python hexkit's PersistentKafkaPublisher storing
// its events in collection, with the given compacted topics.
func (p *OutboxPeer) Persistent(ctx context.Context, collection string, compacted []string, ops ...OutboxOp) ([]OutboxResult, error) {
	return p.ops(ctx, append([]string{"persistent", collection}, compacted...), ops)
}

func (p *OutboxPeer) ops(ctx context.Context, args []string, ops []OutboxOp) ([]OutboxResult, error) {
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, op := range ops {
		if err := enc.Encode(op); err != nil {
			return nil, err
		}
	}
	out, err := p.run(ctx, in.Bytes(), args...)
	if err != nil {
		return nil, err
	}
	var results []OutboxResult
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r OutboxResult
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("interop: outbox peer printed %q: %w", out, err)
		}
		results = append(results, r)
	}
	if len(results) != len(ops) {
		return results, fmt.Errorf("interop: outbox peer answered %d of %d operations:\n%s", len(results), len(ops), out)
	}
	return results, nil
}

// Mirror consumes n events of topic with a Python DaoSubscriberProtocol
// translator run by KafkaOutboxSubscriber and returns its mirror.
func (p *OutboxPeer) Mirror(ctx context.Context, topic string, n int) (Mirror, error) {
	var m Mirror
	out, err := p.run(ctx, nil, "mirror", topic, strconv.Itoa(n))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &m); err != nil {
		return m, fmt.Errorf("interop: outbox peer printed %q: %w", out, err)
	}
	return m, nil
}
