package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/s3"
)

// privateServer runs its own versitygw (scripts/servers with a private run
// directory and port), so that the test may stop it without disturbing the
// shared one. It returns the endpoint, a function that runs
// scripts/servers with a command ("up" or "down") and the run directory,
// which holds the server's PID in s3.pid.
func privateServer(t *testing.T) (string, func(cmd string), string) {
	t.Helper()
	testenv.S3Server(t) // skip or fail like the other tests when S3 is not configured
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	run := t.TempDir()
	script, err := filepath.Abs(filepath.Join("..", "scripts", "servers"))
	if err != nil {
		t.Fatal(err)
	}
	servers := func(cmd string) {
		c := exec.Command(script, cmd, "s3")
		c.Env = append(os.Environ(), "HEXKIT_RUN="+run, "HEXKIT_S3_PORT="+strconv.Itoa(port))
		if out, err := c.CombinedOutput(); err != nil {
			t.Errorf("scripts/servers %s s3: %v\n%s", cmd, err, out)
		}
	}
	servers("up")
	t.Cleanup(func() { servers("down") })
	return "127.0.0.1:" + strconv.Itoa(port), servers, run
}

// restartingReader yields data and calls restart once, after restartAfter
// bytes.
type restartingReader struct {
	data         []byte
	off          int
	restartAfter int
	restart      func()
}

func (r *restartingReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	if r.restart != nil && r.off >= r.restartAfter {
		r.restart()
		r.restart = nil
	}
	n := copy(p, r.data[r.off:])
	r.off += n
	return n, nil
}

// TestServerRestartMidStream restarts the server while a multipart Put is
// streaming: the Put must either fail or store the whole object (never
// report success for a partial one), and nothing stored before is lost.
func TestServerRestartMidStream(t *testing.T) {
	endpoint, servers, _ := privateServer(t)
	cfg := config(t)
	cfg.Endpoint = endpoint
	s, err := s3.Open(context.Background(), cfg, objstore.WithPartSize(objstore.MinPartSize), objstore.WithPutConcurrency(2))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b := testenv.UniqueName(t, "fault")
	if err := s.CreateBucket(ctx, b); err != nil {
		t.Fatal(err)
	}
	before := bytes.Repeat([]byte("kept "), 200_000)
	if _, err := s.Put(ctx, b, "before.bin", bytes.NewReader(before), int64(len(before))); err != nil {
		t.Fatal(err)
	}

	data := make([]byte, 30<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	// The reader stops the server, then lets the upload go on while the
	// server starts again, so that parts meet a server that is down or
	// starting.
	up := make(chan struct{})
	src := &restartingReader{data: data, restartAfter: 12 << 20, restart: func() {
		servers("down")
		go func() { defer close(up); servers("up") }()
	}}
	_, putErr := s.Put(ctx, b, "during.bin", src, -1)
	t.Logf("Put across a restart: %v", putErr)
	<-up

	// The server is back: the earlier object is intact and verified.
	r, err := s.Get(ctx, b, "before.bin")
	if err != nil {
		t.Fatalf("Get(before.bin) after the restart = %v", err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, before) || !r.Verified() {
		t.Errorf("before.bin after the restart: %d bytes, %v, verified %v; want the %d bytes stored", len(got), err, r.Verified(), len(before))
	}
	// The interrupted object is either whole or absent.
	info, err := s.Stat(ctx, b, "during.bin")
	switch {
	case putErr == nil && (err != nil || info.Size != int64(len(data))):
		t.Errorf("Put reported success, but Stat = %+v, %v; want %d bytes", info, err, len(data))
	case putErr != nil && !errors.Is(err, objstore.ErrObjectNotFound):
		t.Errorf("Put failed (%v), but Stat = %+v, %v; want ErrObjectNotFound", putErr, info, err)
	}
	// And the store works again: a retry goes through and verifies.
	if _, err := s.Put(ctx, b, "during.bin", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("Put retried after the restart = %v", err)
	}
	r, err = s.Get(ctx, b, "during.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil || n != int64(len(data)) || !r.Verified() {
		t.Errorf("Get(during.bin) after the retry: %d bytes, %v, verified %v", n, err, r.Verified())
	}
	if err := s.DeleteBucket(ctx, b, objstore.WithContent()); err != nil {
		t.Errorf("DeleteBucket(WithContent()) = %v", err)
	}
}

// outageCalls are calls of every kind, each of which must fail with
// ErrUnavailable when the server does not answer.
func outageCalls(s objstore.Store, b string) map[string]func(ctx context.Context) error {
	return map[string]func(ctx context.Context) error{
		"CreateBucket": func(ctx context.Context) error { return s.CreateBucket(ctx, b+"-new") },
		"BucketExists": func(ctx context.Context) error { _, err := s.BucketExists(ctx, b); return err },
		"Stat":         func(ctx context.Context) error { _, err := s.Stat(ctx, b, "obj.bin"); return err },
		"Put": func(ctx context.Context) error {
			_, err := s.Put(ctx, b, "new.bin", strings.NewReader("data"), 4)
			return err
		},
		"Get": func(ctx context.Context) error { _, err := s.Get(ctx, b, "obj.bin"); return err },
		"List": func(ctx context.Context) error {
			for _, err := range s.List(ctx, b, "") {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"Delete": func(ctx context.Context) error { return s.Delete(ctx, b, "obj.bin") },
	}
}

// checkUnavailable runs every call and wants ErrUnavailable from each,
// within limit.
func checkUnavailable(t *testing.T, s objstore.Store, b string, limit time.Duration) {
	t.Helper()
	for name, call := range outageCalls(s, b) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		start := time.Now()
		err := call(ctx)
		took := time.Since(start)
		cancel()
		if !errors.Is(err, objstore.ErrUnavailable) {
			t.Errorf("%s without a server = %v (after %s), want ErrUnavailable", name, err, took)
		} else if took > limit {
			t.Errorf("%s without a server took %s, want at most %s", name, took, limit)
		}
	}
}

// TestConnectionRefusedIsUnavailable points the store at a closed port.
func TestConnectionRefusedIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := l.Addr().String()
	l.Close()
	cfg := config(t)
	cfg.Endpoint = endpoint
	s, err := s3.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open does not contact the server, so a closed port is no error: %v", err)
	}
	defer s.Close()
	checkUnavailable(t, s, "no-server", 30*time.Second)
}

// TestKilledServerIsUnavailable kills a private versitygw (SIGKILL, by
// PID) while a Get streams an object: the read fails with ErrUnavailable,
// and so does every call while the server is down.
func TestKilledServerIsUnavailable(t *testing.T) {
	endpoint, _, run := privateServer(t)
	cfg := config(t)
	cfg.Endpoint = endpoint
	s, err := s3.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := testenv.UniqueName(t, "outage")
	if err := s.CreateBucket(ctx, b); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), 4<<20) // 64 MiB
	if _, err := s.Put(ctx, b, "obj.bin", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, b, "obj.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadFull(r, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	pidText, err := os.ReadFile(filepath.Join(run, "s3.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(pidText)))
	if err != nil {
		t.Fatal(err)
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	if !errors.Is(err, objstore.ErrUnavailable) {
		t.Errorf("reading on after the server was killed: %d more bytes, %v; want ErrUnavailable", n, err)
	}
	checkUnavailable(t, s, b, 30*time.Second)
}

// TestTimeoutIsUnavailable points a client whose transport waits 200 ms for
// response headers at a server that accepts connections and never answers.
func TestTimeoutIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var conns []net.Conn // held open, never answered
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	tr, err := minio.DefaultTransport(false)
	if err != nil {
		t.Fatal(err)
	}
	tr.ResponseHeaderTimeout = 200 * time.Millisecond
	client, err := minio.New(l.Addr().String(), &minio.Options{
		Creds: credentials.NewStaticV4("ak", "sk", ""), Region: "us-east-1", Transport: tr, BucketLookup: minio.BucketLookupPath,
		MaxRetries: 2, // the test is about the mapping, not the retries
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := s3.New(client)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkUnavailable(t, s, "hung-server", 30*time.Second)
}
