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
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/s3"
)

// privateServer runs its own versitygw (scripts/servers with a private run
// directory and port), so that the test may stop it without disturbing the
// shared one. It returns the endpoint and a function that runs
// scripts/servers with a command ("up" or "down").
func privateServer(t *testing.T) (string, func(cmd string)) {
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
	return "127.0.0.1:" + strconv.Itoa(port), servers
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
	endpoint, servers := privateServer(t)
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
