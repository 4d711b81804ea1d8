// Package interop runs Python hexkit, the library hexkit-go is
// wire-compatible with, next to hexkit-go on the same servers: the interop
// tests and the python benchmark suite drive small Python peers that speak
// only through Python hexkit's own providers: its Kafka provider
// (python/hexkit_peer.py), its key-value stores (kv_peer.py), its MongoDB
// migration manager (migrate_peer.py), and its outbox DAO, outbox
// subscriber and persistent publisher (outbox_peer.py).
package interop

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// PythonHexkit is the Python hexkit release the peer runs on.
const PythonHexkit = "9.0.3"

//go:embed python/hexkit_peer.py
var peerScript []byte

// EnsurePython returns the interpreter of a virtual environment with
// Python hexkit (extra akafka) installed, creating the environment on first
// use under $HEXKIT_CACHE/python (default ~/.cache/hexkit/python). It needs
// python3 with its venv module, and pip's package index.
func EnsurePython(ctx context.Context) (string, error) {
	return ensureVenv(ctx, "hexkit-"+PythonHexkit, "hexkit[akafka]=="+PythonHexkit)
}

// ensureVenv returns the interpreter of the virtual environment name under
// $HEXKIT_CACHE/python with requirement installed, creating it on first use.
func ensureVenv(ctx context.Context, name, requirement string) (string, error) {
	cache := os.Getenv("HEXKIT_CACHE")
	if cache == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		cache = filepath.Join(dir, "hexkit")
	}
	venv := filepath.Join(cache, "python", name)
	python := filepath.Join(venv, "bin", "python")
	if _, err := os.Stat(filepath.Join(venv, ".complete")); err == nil {
		return python, nil
	}
	if err := os.MkdirAll(filepath.Dir(venv), 0o755); err != nil {
		return "", err
	}
	// One builder at a time: test binaries of several packages may ask at once.
	lock, err := os.OpenFile(venv+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(venv, ".complete")); err == nil {
		return python, nil
	}
	// A venv's scripts name their own path, so it is built in place; the
	// .complete marker, written last, tells a finished one from a broken one.
	if err := os.RemoveAll(venv); err != nil {
		return "", err
	}
	steps := [][]string{
		{"python3", "-m", "venv", venv},
		{python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement},
	}
	for _, s := range steps {
		cmd := exec.CommandContext(ctx, s[0], s[1:]...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("interop: %s: %w\n%s", strings.Join(s, " "), err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(venv, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	return python, nil
}

// Peer runs the Python peer against one broker as one service.
type Peer struct {
	Python  string   // from EnsurePython
	Brokers []string // seed brokers
	Service string   // Python hexkit service name: its consumer group
	script  string
}

// NewPeer writes the peer script to dir and returns a Peer that runs it.
func NewPeer(python, dir string, brokers []string, service string) (*Peer, error) {
	script := filepath.Join(dir, "hexkit_peer.py")
	if err := os.WriteFile(script, peerScript, 0o644); err != nil {
		return nil, err
	}
	return &Peer{Python: python, Brokers: brokers, Service: service, script: script}, nil
}

// Event is an event as the peer publishes or reports it.
type Event struct {
	Type          string            `json:"type"`
	Key           string            `json:"key"`
	Topic         string            `json:"topic,omitempty"`
	Payload       json.RawMessage   `json:"payload"`
	EventID       string            `json:"event_id,omitempty"`
	CorrelationID string            `json:"correlation_id,omitempty"`
	Headers       map[string]string `json:"headers,omitempty"`
	Timestamp     string            `json:"timestamp,omitempty"` // dead letters only, ISO 8601
}

func (p *Peer) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.Python, append([]string{p.script}, args...)...)
	cmd.Env = append(os.Environ(),
		"PEER_BROKERS="+strings.Join(p.Brokers, ","),
		"PEER_SERVICE="+p.Service,
		"PEER_INSTANCE=1",
	)
	return cmd
}

func run(cmd *exec.Cmd) ([]byte, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("interop: python peer %s: %w\n%s", strings.Join(cmd.Args[2:], " "), err, lastLines(stderr.String(), 30))
	}
	return out, nil
}

// Publish publishes events to topic through Python hexkit's publisher; an
// event without a correlation id gets a fresh one.
func (p *Peer) Publish(ctx context.Context, topic string, events ...Event) error {
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	cmd := p.command(ctx, "publish", topic)
	cmd.Stdin = &in
	_, err := run(cmd)
	return err
}

// Collect consumes n events of the given types from topic through Python
// hexkit's subscriber and returns them as the peer saw them.
func (p *Peer) Collect(ctx context.Context, topic string, n int, types ...string) ([]Event, error) {
	out, err := run(p.command(ctx, append([]string{"collect", topic, strconv.Itoa(n)}, types...)...))
	if err != nil {
		return nil, err
	}
	return parseEvents(out)
}

func parseEvents(out []byte) ([]Event, error) {
	var got []Event
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("interop: peer printed %q: %w", sc.Text(), err)
		}
		got = append(got, e)
	}
	return got, sc.Err()
}

// Fail consumes n events of the given types from topic with Python
// hexkit's DLQ enabled (dead letters to dlqTopic, no retries) and a
// translator that raises ValueError("python refuses <key>") for each.
func (p *Peer) Fail(ctx context.Context, topic, dlqTopic string, n int, types ...string) error {
	cmd := p.command(ctx, append([]string{"fail", topic, strconv.Itoa(n)}, types...)...)
	cmd.Env = append(cmd.Env, "PEER_DLQ_TOPIC="+dlqTopic)
	_, err := run(cmd)
	return err
}

// CollectDLQ consumes n dead letters from dlqTopic with Python hexkit's DLQ
// subscriber protocol and returns them with their headers and timestamps.
func (p *Peer) CollectDLQ(ctx context.Context, dlqTopic string, n int) ([]Event, error) {
	out, err := run(p.command(ctx, "collect-dlq", dlqTopic, strconv.Itoa(n)))
	if err != nil {
		return nil, err
	}
	return parseEvents(out)
}

// Bench runs one of the peer's benchmark commands and returns the seconds
// it measured.
func (p *Peer) Bench(ctx context.Context, args ...string) (float64, error) {
	out, err := run(p.command(ctx, args...))
	if err != nil {
		return 0, err
	}
	var r struct {
		Seconds float64 `json:"seconds"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return 0, fmt.Errorf("interop: peer printed %q: %w", out, err)
	}
	if r.Seconds <= 0 {
		return 0, errors.New("interop: peer measured no time")
	}
	return r.Seconds, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
