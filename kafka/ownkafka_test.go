package kafka_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/internal/testenv"
)

// ownKafka is an Apache Kafka broker of its own, started through
// scripts/servers with a private run directory and private ports, for
// tests that stop and restart the broker: the shared broker at
// HEXKIT_KAFKA_BROKERS must never be disturbed, other tests use it.
type ownKafka struct {
	script string
	run    string
	port   int // PLAINTEXT
	ctrl   int // CONTROLLER
	sasl   int // SASL_SSL
}

// startOwnKafka starts a private broker and stops it when the test
// ends. It needs what scripts/servers needs (java, mvn or the installed
// jars, openssl); like every real-server test it runs only when
// HEXKIT_KAFKA_BROKERS is set, that is where the servers are installed.
func startOwnKafka(t *testing.T) *ownKafka {
	t.Helper()
	testenv.KafkaBrokers(t) // skip (or fail under HEXKIT_REQUIRE_SERVERS) without real servers
	script, err := filepath.Abs(filepath.Join("..", "scripts", "servers"))
	if err != nil {
		t.Fatal(err)
	}
	ports := freePorts(t, 3)
	p := &ownKafka{script: script, run: t.TempDir(), port: ports[0], ctrl: ports[1], sasl: ports[2]}
	t.Cleanup(func() {
		if err := p.servers("down", "kafka"); err != nil {
			t.Errorf("stopping the private broker: %v", err)
		}
	})
	p.up(t)
	return p
}

// freePorts returns n loopback TCP ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		_ = l.Close()
	}
	return ports
}

func (p *ownKafka) servers(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.script, args...)
	cmd.Env = append(os.Environ(),
		"HEXKIT_RUN="+p.run,
		fmt.Sprintf("HEXKIT_KAFKA_PORT=%d", p.port),
		fmt.Sprintf("HEXKIT_KAFKA_CONTROLLER_PORT=%d", p.ctrl),
		fmt.Sprintf("HEXKIT_KAFKA_SASL_PORT=%d", p.sasl),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("scripts/servers %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// up starts (or restarts) the broker and waits until it is ready.
func (p *ownKafka) up(t *testing.T) {
	t.Helper()
	if err := p.servers("up", "kafka"); err != nil {
		t.Fatal(err)
	}
}

// down stops the broker (SIGTERM, a controlled shutdown).
func (p *ownKafka) down(t *testing.T) {
	t.Helper()
	if err := p.servers("down", "kafka"); err != nil {
		t.Fatal(err)
	}
}

func (p *ownKafka) brokers() []string { return []string{fmt.Sprintf("127.0.0.1:%d", p.port)} }

// saslListener describes the private broker's SASL_SSL listener, with the
// credentials scripts/servers generated in its run directory.
func (p *ownKafka) saslListener(t *testing.T) testenv.KafkaSASL {
	t.Helper()
	dir := filepath.Join(p.run, "kafka", "sasl")
	pw, err := os.ReadFile(filepath.Join(dir, "sasl-password"))
	if err != nil {
		t.Fatal(err)
	}
	return testenv.KafkaSASL{
		Brokers:  []string{fmt.Sprintf("127.0.0.1:%d", p.sasl)},
		User:     "hexkit",
		Password: strings.TrimSpace(string(pw)),
		CAFile:   filepath.Join(dir, "ca.pem"),
	}
}
