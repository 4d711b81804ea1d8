package kafka_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
)

// privateKafka runs its own Apache Kafka through scripts/servers, with its
// own run directory and ports, so that a test may stop and restart it
// without disturbing the shared broker other tests use.
type privateKafka struct {
	t      *testing.T
	script string
	env    []string
	addr   string
}

func newPrivateKafka(t *testing.T) *privateKafka {
	t.Helper()
	testenv.KafkaBrokers(t) // skips (or fails under CI) where no Kafka is set up
	script, err := filepath.Abs(filepath.Join("..", "scripts", "servers"))
	if err != nil {
		t.Fatal(err)
	}
	port, ctrl := freePort(t), freePort(t)
	k := &privateKafka{t: t, script: script, addr: fmt.Sprintf("127.0.0.1:%d", port),
		env: append(os.Environ(), "HEXKIT_RUN="+t.TempDir(),
			fmt.Sprintf("HEXKIT_KAFKA_PORT=%d", port), fmt.Sprintf("HEXKIT_KAFKA_CONTROLLER_PORT=%d", ctrl),
			"HEXKIT_KAFKA_SASL_PORT=0")} // no SASL listener, whatever the caller's environment says
	t.Cleanup(func() { k.run("down") })
	k.run("up")
	return k
}

func (k *privateKafka) run(verb string) {
	k.t.Helper()
	cmd := exec.Command(k.script, verb, "kafka")
	cmd.Env = k.env
	if out, err := cmd.CombinedOutput(); err != nil {
		k.t.Fatalf("scripts/servers %s kafka: %v\n%s", verb, err, out)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestRealBrokerRestartLosesNothing stops and restarts a private Apache
// Kafka in the middle of a stream: publishing resumes once it is back, the
// subscriber rejoins and resumes from its committed offsets, and every
// message is handled.
func TestRealBrokerRestartLosesNothing(t *testing.T) {
	t.Parallel()
	k := newPrivateKafka(t)
	restartMidStream(t, kafka.Config{Brokers: []string{k.addr}, ServiceName: "restart-svc"}, func() {
		k.run("down")
		k.run("up")
	})
}
