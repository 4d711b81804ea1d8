package redis_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/redis"
)

// privateRedis runs a redis-server of its own on a free loopback port,
// with append-only persistence fsynced on every write, in dir.
type privateRedis struct {
	port int
	dir  string
	cmd  *exec.Cmd
}

func (p *privateRedis) start(t *testing.T) {
	t.Helper()
	p.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(p.port),
		"--requirepass", "restart-test", "--dir", p.dir, "--appendonly", "yes", "--appendfsync", "always",
		"--save", "", "--daemonize", "no")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("redis-server did not start")
}

func (p *privateRedis) stop() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		_ = p.cmd.Wait()
		p.cmd = nil
	}
}

// TestRestart: a write loop runs while Redis stops and starts again. While
// it is down, writes fail with kv.ErrUnavailable; afterwards the same
// client works again, and every acknowledged write is there.
func TestRestart(t *testing.T) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		if testenv.RequireServers() {
			t.Fatal("redis-server not found (scripts/servers up redis installs it)")
		}
		t.Skip("redis-server not found")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := &privateRedis{port: port, dir: t.TempDir()}
	srv.start(t)
	t.Cleanup(srv.stop)

	ctx := context.Background()
	c, err := redis.Open(ctx, redis.Config{Addr: fmt.Sprintf("127.0.0.1:%d", port),
		Password: hexkit.NewSecret("restart-test"), Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	st, err := redis.NewKV[int64](c, "restart:")
	if err != nil {
		t.Fatal(err)
	}
	var acked []string
	failures := 0
	for i := 0; i < 300; i++ {
		switch i {
		case 100:
			srv.stop()
		case 150:
			srv.start(t)
		}
		key := fmt.Sprint("k", i)
		if _, err := st.Set(ctx, key, int64(i)); err != nil {
			if !errors.Is(err, kv.ErrUnavailable) {
				t.Fatalf("write %d: %v, want kv.ErrUnavailable", i, err)
			}
			failures++
			continue
		}
		acked = append(acked, key)
	}
	if failures == 0 {
		t.Fatal("no write failed while the server was down")
	}
	if len(acked) < 200 {
		t.Fatalf("only %d writes succeeded: the client did not recover", len(acked))
	}
	got, err := st.GetMany(ctx, acked...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(acked) {
		t.Fatalf("%d of %d acknowledged writes survived the restart", len(got), len(acked))
	}
}
