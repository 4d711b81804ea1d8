package objstoretest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
)

// stream yields n pseudo-random bytes without holding them and hides any
// size, so the store must stream.
type stream struct {
	r    io.Reader
	left int64
	h    interface{ Write([]byte) (int, error) }
	// after, if set, runs once when more than afterN bytes were read.
	after  func()
	afterN int64
	read   int64
}

func newStream(seed uint64, n int64) *stream {
	return &stream{r: mrand.NewChaCha8([32]byte{byte(seed), 7}), left: n, h: md5.New()}
}

func (s *stream) Read(p []byte) (int, error) {
	if s.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, _ := s.r.Read(p)
	s.h.Write(p[:n])
	s.left -= int64(n)
	s.read += int64(n)
	if s.after != nil && s.read > s.afterN {
		s.after()
		s.after = nil
	}
	return n, nil
}

func (s *stream) sum() string {
	return hex.EncodeToString(s.h.(interface{ Sum([]byte) []byte }).Sum(nil))
}

// readMD5 reads a whole object into an MD5 hash.
func (h *harness) readMD5(ctx context.Context, b, id string) (string, int64, objstore.Reader) {
	h.t.Helper()
	r, err := h.s.Get(ctx, b, id)
	if err != nil {
		h.t.Fatalf("Get(%s/%s) = %v", b, id, err)
	}
	defer r.Close()
	m := md5.New()
	n, err := io.Copy(m, r)
	if err != nil {
		h.t.Fatalf("reading %s/%s: %v", b, id, err)
	}
	return hex.EncodeToString(m.Sum(nil)), n, r
}

func testStreamLarge(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	const size = 64 * mib
	src := newStream(12, size)
	info, err := h.s.Put(ctx, b, "large.bin", src, -1, objstore.WithMetadata(map[string]string{"purpose": "stream"}))
	noErr(t, "Put(64 MiB, unknown size)", err)
	if info.Size != size || !strings.Contains(info.ETag, "-") {
		t.Errorf("Put(64 MiB) = size %d ETag %q, want %d and a multipart ETag", info.Size, info.ETag, size)
	}
	st, err := h.s.Stat(ctx, b, "large.bin")
	noErr(t, "Stat", err)
	if st.Size != size || st.ETag != info.ETag || st.Metadata["purpose"] != "stream" || len(st.Metadata) != 1 {
		t.Errorf("Stat = size %d ETag %q metadata %v, want %d, %q, purpose=stream only", st.Size, st.ETag, st.Metadata, size, info.ETag)
	}
	sum, n, r := h.readMD5(ctx, b, "large.bin")
	if n != size || sum != src.sum() {
		t.Errorf("Get(64 MiB) = %d bytes with MD5 %s, want %d with %s", n, sum, size, src.sum())
	}
	if !r.Verified() {
		t.Errorf("Reader.Verified() after reading a multipart object written by Put = false, want true")
	}
	// A range across the first part boundary (parts are at least 5 MiB).
	want := make([]byte, 6*mib)
	_, _ = newStream(12, size).r.Read(want)
	got, _ := h.read(ctx, b, "large.bin", objstore.WithRange(5*mib-100, mib))
	if !bytes.Equal(got, want[5*mib-100:6*mib-100]) {
		t.Errorf("Get(WithRange across a part boundary) returned %d bytes that differ from the written ones", len(got))
	}
}

func testStreamKnownSize(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := randomBytes(13, 20*mib+123)
	info := h.put(ctx, b, "known.bin", data)
	if info.Size != int64(len(data)) {
		t.Errorf("Put(20 MiB) size = %d, want %d", info.Size, len(data))
	}
	sum, n, r := h.readMD5(ctx, b, "known.bin")
	if n != int64(len(data)) || sum != md5Hex(data) || !r.Verified() {
		t.Errorf("Get(20 MiB) = %d bytes, MD5 %s, verified %v; want %d, %s, true", n, sum, r.Verified(), len(data), md5Hex(data))
	}
	// A reader that can read at offsets is read from its current position.
	prefixed := append([]byte("skip me"), data...)
	rd := bytes.NewReader(prefixed)
	if _, err := rd.Seek(7, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.Put(ctx, b, "at.bin", rd, int64(len(data))); err != nil {
		t.Fatalf("Put(bytes.Reader at offset 7) = %v", err)
	}
	if rd.Len() != 0 {
		t.Errorf("after Put the reader has %d bytes left, want 0", rd.Len())
	}
	if sum, n, _ := h.readMD5(ctx, b, "at.bin"); n != int64(len(data)) || sum != md5Hex(data) {
		t.Errorf("Get(at.bin) = %d bytes, MD5 %s; want the %d bytes after the offset", n, sum, len(data))
	}
	small := newStream(14, 1000)
	info, err := h.s.Put(ctx, b, "small.bin", small, -1)
	noErr(t, "Put(1000 bytes, unknown size)", err)
	if info.Size != 1000 || info.ETag != small.sum() {
		t.Errorf("Put(1000 bytes, unknown size) = size %d ETag %q, want 1000 and the MD5 %s", info.Size, info.ETag, small.sum())
	}
	longer := []byte("only the first part counts")
	if info, err := h.s.Put(ctx, b, "prefix.txt", bytes.NewReader(longer), 8); err != nil || info.Size != 8 {
		t.Errorf("Put(size 8 of a longer reader) = %+v, %v; want size 8", info, err)
	}
	if got, _ := h.read(ctx, b, "prefix.txt"); string(got) != "only the" {
		t.Errorf("Get after Put(size 8 of a longer reader) = %q, want %q", got, "only the")
	}
	empty := newStream(15, 0)
	if info, err := h.s.Put(ctx, b, "empty.bin", empty, -1); err != nil || info.Size != 0 {
		t.Errorf("Put(empty, unknown size) = %+v, %v; want size 0", info, err)
	}
}

func testShortReader(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	_, err := h.s.Put(ctx, b, "short.bin", bytes.NewReader(make([]byte, 50)), 100)
	wantErr(t, "Put(size 100, 50 byte reader)", err, objstore.ErrInvalidArgument)
	_, err = h.s.Put(ctx, b, "short.bin", io.MultiReader(bytes.NewReader(make([]byte, 50))), 100)
	wantErr(t, "Put(size 100, 50 byte io.Reader)", err, objstore.ErrInvalidArgument)
	if errors.Is(err, objstore.ErrUnavailable) {
		t.Errorf("Put(size 100, 50 byte io.Reader) = %v, want no ErrUnavailable (the server is fine)", err)
	}
	_, err = h.s.Put(ctx, b, "short-big.bin", newStream(16, 18*mib), 20*mib)
	wantErr(t, "Put(size 20 MiB, 18 MiB reader)", err, objstore.ErrInvalidArgument)
	_, err = h.s.Put(ctx, b, "short-big.bin", bytes.NewReader(make([]byte, 18*mib)), 20*mib)
	wantErr(t, "Put(size 20 MiB, 18 MiB bytes.Reader)", err, objstore.ErrInvalidArgument)
	for _, id := range []string{"short.bin", "short-big.bin"} {
		if ok, err := h.s.ObjectExists(ctx, b, id); err != nil || ok {
			t.Errorf("ObjectExists(%s) after a short Put = %v, %v; want false, nil", id, ok, err)
		}
	}
	if ups, err := h.s.ListBucketUploads(ctx, b); err != nil || len(ups) != 0 {
		t.Errorf("ListBucketUploads after a failed multipart Put = %+v, %v; want none (aborted)", ups, err)
	}
}

// failingAt is a file-like reader whose ReadAt fails: Put reads such a
// reader in place.
type failingAt struct {
	*bytes.Reader
	err error
}

func (f failingAt) ReadAt([]byte, int64) (int, error) { return 0, f.err }

// testReaderErrors checks that an error of the reader given to Put comes
// back wrapped, matching no sentinel: neither the server nor the
// arguments are at fault.
func testReaderErrors(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	boom := errors.New("the caller's reader broke")
	after := func(n int64) io.Reader { return io.MultiReader(newStream(21, n), iotest.ErrReader(boom)) }
	cases := []struct {
		name string
		r    io.Reader
		size int64
	}{
		{"failing reader, size 3", iotest.ErrReader(boom), 3},
		{"failing reader, size -1", iotest.ErrReader(boom), -1},
		{"reader failing after 100 bytes, size 1000", after(100), 1000},
		{"reader failing after 18 MiB, size 20 MiB", after(18 * mib), 20 * mib},
		{"reader failing after 18 MiB, size -1", after(18 * mib), -1},
		{"ReaderAt failing, size 10", failingAt{bytes.NewReader(make([]byte, 10)), boom}, 10},
		{"ReaderAt failing, size 17 MiB", failingAt{bytes.NewReader(make([]byte, 17*mib)), boom}, 17 * mib},
	}
	for _, c := range cases {
		_, err := h.s.Put(ctx, b, "broken.bin", c.r, c.size)
		if !errors.Is(err, boom) {
			t.Errorf("Put(%s) = %v, want an error wrapping the reader's", c.name, err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				t.Errorf("Put(%s) = %v, matching %v; want the reader's error alone", c.name, err, s)
			}
		}
	}
	if ok, err := h.s.ObjectExists(ctx, b, "broken.bin"); err != nil || ok {
		t.Errorf("ObjectExists after failed Puts = %v, %v; want false, nil", ok, err)
	}
	if ups, err := h.s.ListBucketUploads(ctx, b); err != nil || len(ups) != 0 {
		t.Errorf("ListBucketUploads after failed multipart Puts = %+v, %v; want none (aborted)", ups, err)
	}
}

// sentinels are the errors of the objstore protocol.
var sentinels = []error{objstore.ErrBucketNotFound, objstore.ErrBucketExists, objstore.ErrBucketNotEmpty,
	objstore.ErrObjectNotFound, objstore.ErrObjectExists, objstore.ErrUploadNotFound, objstore.ErrUploadActive,
	objstore.ErrInvalidID, objstore.ErrPartsMismatch, objstore.ErrChecksumMismatch, objstore.ErrInvalidArgument,
	objstore.ErrInvalidOption, objstore.ErrClosed, objstore.ErrUnauthorized, objstore.ErrUnavailable}

func testConcurrency(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	const workers = 8
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("obj-%d.txt", i)
			data := randomBytes(uint64(100+i), 10_000+i)
			if _, err := h.s.Put(ctx, b, id, bytes.NewReader(data), int64(len(data))); err != nil {
				t.Errorf("concurrent Put(%s) = %v", id, err)
				return
			}
			shared := []byte(fmt.Sprintf("writer %d", i))
			if _, err := h.s.Put(ctx, b, "shared.txt", bytes.NewReader(shared), int64(len(shared))); err != nil {
				t.Errorf("concurrent Put(shared.txt) = %v", err)
			}
			r, err := h.s.Get(ctx, b, id)
			if err != nil {
				t.Errorf("concurrent Get(%s) = %v", id, err)
				return
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("concurrent Get(%s) = %d bytes, %v; want the %d written", id, len(got), err, len(data))
			}
			if _, err := h.s.Stat(ctx, b, id); err != nil {
				t.Errorf("concurrent Stat(%s) = %v", id, err)
			}
			if i%2 == 0 {
				if err := h.s.Delete(ctx, b, id); err != nil {
					t.Errorf("concurrent Delete(%s) = %v", id, err)
				}
			}
		}()
	}
	wg.Wait()
	var ids []string
	for id, err := range h.s.List(ctx, b, "") {
		noErr(t, "List", err)
		ids = append(ids, id)
	}
	if want := workers/2 + 1; len(ids) != want {
		t.Errorf("List after concurrent writes = %v, want %d ids (odd objects and shared.txt)", ids, want)
	}
	got, _ := h.read(ctx, b, "shared.txt")
	if !strings.HasPrefix(string(got), "writer ") {
		t.Errorf("shared.txt = %q after concurrent writes, want one writer's whole value", got)
	}
}

func testCancellation(t *testing.T, h *harness) {
	b := h.bucket()
	h.put(h.ctx(), b, "exists.txt", []byte("x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	check := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", what, err)
		}
	}
	check("CreateBucket", h.s.CreateBucket(ctx, "cancelled-bucket-x"))
	_, err := h.s.BucketExists(ctx, b)
	check("BucketExists", err)
	_, err = h.s.Stat(ctx, b, "exists.txt")
	check("Stat", err)
	_, err = h.s.Put(ctx, b, "new.txt", bytes.NewReader([]byte("abc")), 3)
	check("Put", err)
	_, err = h.s.Get(ctx, b, "exists.txt")
	check("Get", err)
	check("Copy", h.s.Copy(ctx, b, "exists.txt", b, "copy.txt"))
	check("Delete", h.s.Delete(ctx, b, "exists.txt"))
	for _, err := range h.s.List(ctx, b, "") {
		check("List", err)
	}
	_, err = h.s.InitUpload(ctx, b, "up.bin")
	check("InitUpload", err)
	// Presigning sends no request, yet a call whose context ended does
	// not start, on any backend.
	exact := func(what string, err error) {
		t.Helper()
		if err != context.Canceled {
			t.Errorf("%s with a canceled context = %v, want context.Canceled itself", what, err)
		}
	}
	_, err = h.s.PresignGet(ctx, b, "exists.txt")
	exact("PresignGet", err)
	_, err = h.s.PresignPut(ctx, b, "new.txt")
	exact("PresignPut", err)
	_, err = h.s.PresignPost(ctx, b, "new.txt", 100)
	exact("PresignPost", err)
	_, err = h.s.PresignPart(ctx, b, "up.bin", "any-upload-id", 1)
	exact("PresignPart", err)
	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if _, err := h.s.PresignGet(dctx, b, "exists.txt"); err != context.DeadlineExceeded {
		t.Errorf("PresignGet with a context past its deadline = %v, want context.DeadlineExceeded itself", err)
	}
	if ok, err := h.s.ObjectExists(h.ctx(), b, "new.txt"); err != nil || ok {
		t.Errorf("ObjectExists(object of a canceled Put) = %v, %v; want false, nil", ok, err)
	}
}

func testCancelStreaming(t *testing.T, h *harness) {
	b := h.bucket()
	ctx, cancel := context.WithCancel(h.ctx())
	defer cancel()
	src := newStream(17, 48*mib)
	src.after, src.afterN = cancel, 20*mib
	_, err := h.s.Put(ctx, b, "cancelled.bin", src, -1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put canceled mid-stream = %v, want context.Canceled", err)
	}
	if ok, err := h.s.ObjectExists(h.ctx(), b, "cancelled.bin"); err != nil || ok {
		t.Errorf("ObjectExists after a canceled Put = %v, %v; want false, nil", ok, err)
	}
	if ups, err := h.s.ListBucketUploads(h.ctx(), b); err != nil || len(ups) != 0 {
		t.Errorf("ListBucketUploads after a canceled Put = %+v, %v; want none (aborted)", ups, err)
	}

	// Cancel while reading.
	h.put(h.ctx(), b, "read.bin", randomBytes(18, 2*mib))
	rctx, rcancel := context.WithCancel(h.ctx())
	r, err := h.s.Get(rctx, b, "read.bin")
	noErr(t, "Get", err)
	defer r.Close()
	buf := make([]byte, 1024)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatalf("reading the first KiB: %v", err)
	}
	rcancel()
	_, err = io.Copy(io.Discard, r)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("reading on after canceling Get's context = %v, want context.Canceled", err)
	}
}

// testCloseReader checks that closing a Reader in the middle of an object
// succeeds and that reading after it fails with ErrClosed, verified or
// not.
func testCloseReader(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	h.put(ctx, b, "closed.bin", randomBytes(19, 3*mib))
	for _, opts := range [][]objstore.GetOption{nil, {objstore.WithoutVerification()}} {
		r, err := h.s.Get(ctx, b, "closed.bin", opts...)
		noErr(t, "Get", err)
		buf := make([]byte, mib)
		if _, err := io.ReadFull(r, buf); err != nil {
			t.Fatalf("reading the first MiB: %v", err)
		}
		noErr(t, "Reader.Close in the middle of the object", r.Close())
		n, err := r.Read(buf)
		wantErr(t, fmt.Sprintf("Read after Close (%d options)", len(opts)), err, objstore.ErrClosed)
		if n != 0 || r.Verified() {
			t.Errorf("Read after Close = %d bytes, verified %v; want 0, false", n, r.Verified())
		}
	}
}
