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
	"strings"
	"syscall"
)

//go:embed python/kv_peer.py
var kvPeerScript []byte

// EnsurePythonKV returns the interpreter of the environment of
// [EnsurePython] with Python hexkit's key-value backends (extras redis, s3
// and mongodb) added on first use.
func EnsurePythonKV(ctx context.Context) (string, error) {
	python, err := EnsurePython(ctx)
	if err != nil {
		return "", err
	}
	venv := filepath.Dir(filepath.Dir(python))
	marker := filepath.Join(venv, ".kv-complete")
	if _, err := os.Stat(marker); err == nil {
		return python, nil
	}
	lock, err := os.OpenFile(venv+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if _, err := os.Stat(marker); err == nil {
		return python, nil
	}
	args := []string{"-m", "pip", "install", "--quiet", "--disable-pip-version-check",
		"hexkit[akafka,redis,s3,mongodb]==" + PythonHexkit}
	if out, err := exec.CommandContext(ctx, python, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("interop: pip install: %w\n%s", err, out)
	}
	return python, os.WriteFile(marker, nil, 0o644)
}

// KVPeer reads and writes keys through Python hexkit's key-value stores.
type KVPeer struct {
	Python string            // from EnsurePythonKV
	Env    map[string]string // PEER_* connection settings (see kv_peer.py)
	script string
}

// NewKVPeer writes the peer script to dir and returns a KVPeer that runs it.
func NewKVPeer(python, dir string, env map[string]string) (*KVPeer, error) {
	script := filepath.Join(dir, "kv_peer.py")
	if err := os.WriteFile(script, kvPeerScript, 0o644); err != nil {
		return nil, err
	}
	return &KVPeer{Python: python, Env: env, script: script}, nil
}

func (p *KVPeer) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, p.Python, append([]string{p.script}, args...)...)
	cmd.Env = os.Environ()
	for k, v := range p.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("interop: kv peer %s: %w\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 30))
	}
	return out, nil
}

// Set stores value (hex for kind bytes, JSON text for json) under key.
func (p *KVPeer) Set(ctx context.Context, backend, kind, key, value string) error {
	_, err := p.run(ctx, backend, kind, "set", key, value)
	return err
}

// Get reads key; value is hex for kind bytes, the JSON value for json.
func (p *KVPeer) Get(ctx context.Context, backend, kind, key string) (found bool, value json.RawMessage, err error) {
	out, err := p.run(ctx, backend, kind, "get", key)
	if err != nil {
		return false, nil, err
	}
	var r struct {
		Found bool            `json:"found"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return false, nil, fmt.Errorf("interop: kv peer output %q: %w", out, err)
	}
	return r.Found, r.Value, nil
}
