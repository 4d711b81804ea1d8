package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Private is a server of a test's own, started through scripts/servers
// with a private run directory and free loopback ports, for fault tests
// that stop, restart or overload a server: the shared servers must never
// be disturbed. Up and Down start and stop it (by the PID scripts/servers
// recorded) with its data kept, so a restarted server comes back on the
// same address with the same data. It is stopped when the test ends.
type Private struct {
	name   string // scripts/servers' name of the server: kafka or mongo
	script string
	env    []string
	// Addr is the server's host:port (Kafka's PLAINTEXT listener, or the
	// MongoDB wire protocol listener).
	Addr string
}

// StartPrivateKafka starts an Apache Kafka broker of the test's own (no
// SASL listener). It runs where the real-server tests run: without
// HEXKIT_KAFKA_BROKERS, where scripts/servers installed the servers, it
// skips (or fails under HEXKIT_REQUIRE_SERVERS=1) as [KafkaBrokers] does.
func StartPrivateKafka(tb testing.TB) *Private {
	tb.Helper()
	KafkaBrokers(tb)
	ports := FreePorts(tb, 2)
	return startPrivate(tb, "kafka", ports[0],
		"HEXKIT_KAFKA_PORT="+strconv.Itoa(ports[0]),
		"HEXKIT_KAFKA_CONTROLLER_PORT="+strconv.Itoa(ports[1]),
		"HEXKIT_KAFKA_SASL_PORT=0")
}

// StartPrivateFerretDB starts a FerretDB of the test's own, skipping
// without HEXKIT_MONGO_URI as [MongoURI] does. Its data lives in memory
// (under /dev/shm) where the machine has it: FerretDB's SQLite files are
// written on every change, and fault tests write many.
func StartPrivateFerretDB(tb testing.TB) *Private {
	tb.Helper()
	MongoURI(tb)
	ports := FreePorts(tb, 2)
	return startPrivate(tb, "mongo", ports[0],
		"HEXKIT_RUN="+memoryDir(tb),
		"HEXKIT_MONGO_PORT="+strconv.Itoa(ports[0]),
		"HEXKIT_MONGO_DEBUG_PORT="+strconv.Itoa(ports[1]))
}

// memoryDir returns a new directory under /dev/shm, removed when the test
// ends, or the test's temporary directory where there is no /dev/shm.
func memoryDir(tb testing.TB) string {
	tb.Helper()
	if st, err := os.Stat("/dev/shm"); err != nil || !st.IsDir() {
		return tb.TempDir()
	}
	dir, err := os.MkdirTemp("/dev/shm", "hexkit-private-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// startPrivate starts the server name of scripts/servers with the
// environment env added (later entries win, so env may set HEXKIT_RUN).
func startPrivate(tb testing.TB, name string, port int, env ...string) *Private {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	p := &Private{
		name:   name,
		script: filepath.Join(root, "scripts", "servers"),
		env:    append(append(os.Environ(), "HEXKIT_RUN="+tb.TempDir()), env...),
		Addr:   "127.0.0.1:" + strconv.Itoa(port),
	}
	// Registered after TempDir, so it runs before the directory's removal.
	tb.Cleanup(func() {
		if err := p.servers("down"); err != nil {
			tb.Errorf("stopping the private %s: %v", name, err)
		}
	})
	p.Up(tb)
	return p
}

// Up starts the server (again) and returns once it is ready.
func (p *Private) Up(tb testing.TB) {
	tb.Helper()
	if err := p.servers("up"); err != nil {
		tb.Fatal(err)
	}
}

// Down stops the server with SIGTERM (a clean shutdown) and returns once
// it has exited.
func (p *Private) Down(tb testing.TB) {
	tb.Helper()
	if err := p.servers("down"); err != nil {
		tb.Fatal(err)
	}
}

// MongoURI returns the connection string of a private FerretDB.
func (p *Private) MongoURI() string { return "mongodb://" + p.Addr + "/" }

func (p *Private) servers(cmd string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, p.script, cmd, p.name)
	c.Env = p.env
	out, err := c.CombinedOutput()
	if err != nil {
		return fmt.Errorf("scripts/servers %s %s: %v\n%s", cmd, p.name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// FreePorts returns n distinct loopback TCP ports that were free a moment
// ago.
func FreePorts(tb testing.TB, n int) []int {
	tb.Helper()
	ports := make([]int, 0, n)
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// RepoRoot returns the directory of hexkit's go.mod, looked for from the
// working directory up (a test runs in its package's directory).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}
