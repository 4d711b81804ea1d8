package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
	"github.com/hexkit-go/hexkit/objstore/internal/memdriver"
)

// flipAt wraps a driver and flips the byte at offset at of every object
// read (when at >= 0).
type flipAt struct {
	driver.Store
	at int64
}

type flipAtReader struct {
	io.ReadCloser
	at, pos int64
}

func (f *flipAtReader) Read(p []byte) (int, error) {
	n, err := f.ReadCloser.Read(p)
	if i := f.at - f.pos; i >= 0 && i < int64(n) {
		p[i] ^= 0x01
	}
	f.pos += int64(n)
	return n, err
}

func (f *flipAt) Get(ctx context.Context, b, o string, off, n int64) (io.ReadCloser, driver.ObjectInfo, error) {
	rc, info, err := f.Store.Get(ctx, b, o, off, n)
	if err != nil || f.at < 0 {
		return rc, info, err
	}
	return &flipAtReader{ReadCloser: rc, at: f.at}, info, nil
}

// copyWithReads copies r to w with Read and a buffer of the given size,
// hiding r's WriterTo from io.Copy.
func copyWithReads(w io.Writer, r io.Reader, size int) (int64, error) {
	return io.CopyBuffer(w, struct{ io.Reader }{r}, make([]byte, size))
}

func randomData(seed uint64, n int) []byte {
	b := make([]byte, n)
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	_, _ = rng.Read(b)
	return b
}

// TestVerifiedReads reads objects of sizes around the verifier's chunks
// and multipart ones, by WriteTo and by Read with small and large
// buffers, intact and with one byte flipped at the start, in the middle,
// at the very end and on either side of part boundaries: an intact read ends with io.EOF and Verified, a
// corrupted one with ErrChecksumMismatch, never io.EOF.
func TestVerifiedReads(t *testing.T) {
	ctx := context.Background()
	d := &flipAt{Store: memdriver.New(nil, ""), at: -1}
	s, err := objstore.New(d, objstore.WithPartSize(objstore.MinPartSize))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateBucket(ctx, "reads"); err != nil {
		t.Fatal(err)
	}
	const chunk = 256 << 10
	const part = objstore.MinPartSize
	sizes := []int{0, 1, 1000, chunk - 1, chunk, chunk + 1, 9*chunk + 17, 2 * part, 2*part + 100}
	readers := map[string]func(w io.Writer, r io.Reader) (int64, error){
		"WriteTo":         io.Copy,
		"Read 1000 bytes": func(w io.Writer, r io.Reader) (int64, error) { return copyWithReads(w, r, 1000) },
		"Read 1 MiB":      func(w io.Writer, r io.Reader) (int64, error) { return copyWithReads(w, r, 1<<20) },
	}
	for i, size := range sizes {
		data := randomData(uint64(i), size)
		id := fmt.Sprintf("obj-%d.bin", size)
		if _, err := s.Put(ctx, "reads", id, bytes.NewReader(data), int64(size)); err != nil {
			t.Fatalf("Put(%d bytes) = %v", size, err)
		}
		flips := []int64{-1}
		if size > 0 {
			flips = append(flips, 0, int64(size/2), int64(size-1))
		}
		if size > part {
			flips = append(flips, part-1, part, 2*part-1)
		}
		for name, read := range readers {
			for _, at := range flips {
				d.at = at
				r, err := s.Get(ctx, "reads", id)
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				n, err := read(&got, r)
				r.Close()
				if at < 0 {
					if err != nil || n != int64(size) || !bytes.Equal(got.Bytes(), data) || !r.Verified() {
						t.Errorf("%s of %d intact bytes = %d bytes, %v, verified %v; want all, nil, true", name, size, n, err, r.Verified())
					}
					continue
				}
				if !errors.Is(err, objstore.ErrChecksumMismatch) || r.Verified() {
					t.Errorf("%s of %d bytes with byte %d flipped = %d bytes, %v, verified %v; want ErrChecksumMismatch", name, size, at, n, err, r.Verified())
				}
			}
		}
	}
}

// storeHolding returns an in-memory store whose bucket "reads" holds data
// as "obj.bin".
func storeHolding(t *testing.T, data []byte) objstore.Store {
	t.Helper()
	s, err := objstore.New(memdriver.New(nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "reads"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "reads", "obj.bin", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitGoroutines waits until no more goroutines run than before, or fails.
func waitGoroutines(t *testing.T, before int, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%s: %d goroutines, %d before:\n%s", what, runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond) // polling the goroutine count, which has no notification
	}
}

// TestReaderEndsItsHashing checks that a verified read that stops early,
// by Close or by the end of its context (read or not after it), leaves no
// goroutine behind, and that a Read after Close fails with ErrClosed.
func TestReaderEndsItsHashing(t *testing.T) {
	s := storeHolding(t, randomData(1, 8<<20))
	ctx := context.Background()
	before := runtime.NumGoroutine()
	buf := make([]byte, 3<<20)

	r, err := s.Get(ctx, "reads", "obj.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, before, "after Close in the middle of a read")
	if n, err := r.Read(buf); n != 0 || !errors.Is(err, objstore.ErrClosed) || r.Verified() {
		t.Errorf("Read after Close = %d, %v, verified %v; want 0, ErrClosed, false", n, err, r.Verified())
	}

	cctx, cancel := context.WithCancel(ctx)
	r, err = s.Get(cctx, "reads", "obj.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := r.Read(buf); err != context.Canceled {
		t.Errorf("Read after the context was canceled = %v, want context.Canceled unwrapped", err)
	}
	if _, err := io.Copy(io.Discard, r); err != context.Canceled || r.Verified() {
		t.Errorf("io.Copy after the context was canceled = %v, verified %v; want context.Canceled, false", err, r.Verified())
	}
	waitGoroutines(t, before, "after a canceled read, before Close")
	r.Close()

	// The end of the context alone, with no Read or Close after it.
	cctx, cancel = context.WithCancel(ctx)
	r, err = s.Get(cctx, "reads", "obj.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	waitGoroutines(t, before, "after the context of a read in progress ended")
}

// TestReaderCloseDuringRead closes verified readers, or ends their
// context, while other goroutines read them (run with -race): the read
// ends with ErrClosed or the context's error, or whole and verified, and
// no goroutine stays.
func TestReaderCloseDuringRead(t *testing.T) {
	s := storeHolding(t, randomData(2, 4<<20))
	before := runtime.NumGoroutine()
	for i := range 40 {
		ctx, cancel := context.WithCancel(context.Background())
		r, err := s.Get(ctx, "reads", "obj.bin")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		var rerr error
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				_, rerr = io.Copy(io.Discard, r)
			} else {
				_, rerr = copyWithReads(io.Discard, r, 4096)
			}
		}()
		time.Sleep(time.Duration(i%4) * time.Millisecond)
		byContext := i%8 >= 4
		if byContext {
			cancel()
		} else {
			r.Close()
		}
		wg.Wait()
		switch {
		case rerr == nil && !r.Verified():
			t.Errorf("read %d ended without error while unverified", i)
		case rerr != nil && byContext && rerr != context.Canceled:
			t.Errorf("read %d whose context ended during the read = %v, want context.Canceled", i, rerr)
		case rerr != nil && !byContext && !errors.Is(rerr, objstore.ErrClosed):
			t.Errorf("read %d closed during the read = %v, want ErrClosed", i, rerr)
		}
		r.Close()
		cancel()
	}
	waitGoroutines(t, before, "after closing reads in progress")
}
