package objstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
	"github.com/hexkit-go/hexkit/objstore/internal/memdriver"
)

func TestDefaultIDRules(t *testing.T) {
	buckets := map[string]bool{
		"abc": true, "a-b": true, "0ab": true, strings.Repeat("a", 63): true,
		"ab": false, strings.Repeat("a", 64): false, "-ab": false, "ab-": false, "aBc": false, "a_b": false, "a.b": false,
	}
	for id, ok := range buckets {
		if err := objstore.DefaultBucketID(id); (err == nil) != ok {
			t.Errorf("DefaultBucketID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
	objects := map[string]bool{
		"abc": true, "A_b-c.d": true, "_x_": true, "a..b": true, strings.Repeat("x", objstore.MaxObjectName): true,
		"ab": false, strings.Repeat("x", objstore.MaxObjectName+1): false, ".ab": false, "ab.": false, "-ab": false, "ab-": false,
		"a/b": false, "a b": false, "aé.txt": false,
	}
	for id, ok := range objects {
		if err := objstore.DefaultObjectID(id); (err == nil) != ok {
			t.Errorf("DefaultObjectID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}

// TestIDRulesEveryByte checks every byte in the middle of an id against
// the default rules and, under permissive rules, S3's bucket rule.
func TestIDRulesEveryByte(t *testing.T) {
	permissive, _ := objstore.New(memdriver.New(nil, ""), objstore.WithIDRules(objstore.IDRules{
		Bucket: func(string) error { return nil }, Object: func(string) error { return nil }}))
	for c := range 256 {
		b := byte(c)
		lower, upper, digit := 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9'
		id := string([]byte{'a', b, 'a'})
		if err := objstore.DefaultBucketID(id); (err == nil) != (lower || digit || b == '-') {
			t.Errorf("DefaultBucketID(%q) = %v", id, err)
		}
		if err := objstore.DefaultObjectID(id); (err == nil) != (lower || upper || digit || b == '-' || b == '.' || b == '_') {
			t.Errorf("DefaultObjectID(%q) = %v", id, err)
		}
		if err := permissive.ValidateBucketID(id); (err == nil) != (lower || digit || b == '-' || b == '.') {
			t.Errorf("ValidateBucketID(%q) under permissive rules = %v", id, err)
		}
	}
}

func TestNewValidatesOptions(t *testing.T) {
	for name, opt := range map[string]objstore.Option{
		"part size below 5 MiB": objstore.WithPartSize(objstore.MinPartSize - 1),
		"part size above 5 GiB": objstore.WithPartSize(objstore.MaxPartSize + 1),
		"concurrency 0":         objstore.WithPutConcurrency(0),
	} {
		if _, err := objstore.New(memdriver.New(nil, ""), opt); !errors.Is(err, objstore.ErrInvalidOption) {
			t.Errorf("New(%s) = %v, want ErrInvalidOption", name, err)
		}
	}
	if _, err := objstore.New(nil); err == nil {
		t.Errorf("New(nil driver) = nil error, want an error")
	}
	if _, err := objstore.New(memdriver.New(nil, ""), objstore.WithPartSize(objstore.MinPartSize), objstore.WithPutConcurrency(1)); err != nil {
		t.Errorf("New(valid options) = %v", err)
	}
}

// corrupt wraps a driver and flips one byte of what goes through it.
type corrupt struct {
	driver.Store
	onGet, onPut bool
}

type flipReader struct {
	io.Reader
	done bool
}

func (f *flipReader) Read(p []byte) (int, error) {
	n, err := f.Reader.Read(p)
	if n > 0 && !f.done {
		p[0] ^= 0xff
		f.done = true
	}
	return n, err
}

type flipReadCloser struct {
	flipReader
	io.Closer
}

func (c *corrupt) Get(ctx context.Context, b, o string, off, n int64) (io.ReadCloser, driver.ObjectInfo, error) {
	rc, info, err := c.Store.Get(ctx, b, o, off, n)
	if err != nil || !c.onGet {
		return rc, info, err
	}
	return &flipReadCloser{flipReader{Reader: rc}, rc}, info, nil
}

func (c *corrupt) Put(ctx context.Context, b, o string, r io.Reader, size int64, w driver.WriteInfo) (string, error) {
	if c.onPut {
		r = &flipReader{Reader: r}
	}
	return c.Store.Put(ctx, b, o, r, size, w)
}

func (c *corrupt) UploadPart(ctx context.Context, b, o, id string, n int, r io.Reader, size int64, md5 string) (string, error) {
	if c.onPut && n == 2 {
		r = &flipReader{Reader: r}
	}
	return c.Store.UploadPart(ctx, b, o, id, n, r, size, md5)
}

func TestChecksums(t *testing.T) {
	ctx := context.Background()
	d := &corrupt{Store: memdriver.New(nil, "")}
	s, err := objstore.New(d, objstore.WithPartSize(objstore.MinPartSize))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBucket(ctx, "sums"); err != nil {
		t.Fatal(err)
	}
	small := bytes.Repeat([]byte("x"), 1000)
	large := bytes.Repeat([]byte("0123456789"), (2*objstore.MinPartSize+100)/10)
	for _, c := range []struct {
		id   string
		data []byte
	}{{"small.bin", small}, {"large.bin", large}} {
		if _, err := s.Put(ctx, "sums", c.id, bytes.NewReader(c.data), int64(len(c.data))); err != nil {
			t.Fatalf("Put(%s) = %v", c.id, err)
		}
		d.onGet = true
		r, err := s.Get(ctx, "sums", c.id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(io.Discard, r)
		if !errors.Is(err, objstore.ErrChecksumMismatch) || r.Verified() {
			t.Errorf("reading a corrupted %s = %v, verified %v; want ErrChecksumMismatch", c.id, err, r.Verified())
		}
		r, err = s.Get(ctx, "sums", c.id, objstore.WithRange(10, 100))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil || r.Verified() {
			t.Errorf("ranged read of a corrupted %s = %v, verified %v; want nil, false (ranges are not verified)", c.id, err, r.Verified())
		}
		r, err = s.Get(ctx, "sums", c.id, objstore.WithoutVerification())
		if err != nil {
			t.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, r); err != nil || r.Verified() || n != int64(len(c.data)) {
			t.Errorf("unverified read of a corrupted %s = %d bytes, %v, verified %v; want all bytes, nil, false", c.id, n, err, r.Verified())
		}
		d.onGet = false

		d.onPut = true
		_, err = s.Put(ctx, "sums", "bad-"+c.id, bytes.NewReader(c.data), int64(len(c.data)))
		if !errors.Is(err, objstore.ErrChecksumMismatch) {
			t.Errorf("Put(%s) through a corrupting driver = %v, want ErrChecksumMismatch", c.id, err)
		}
		d.onPut = false
	}
	if ups, err := s.ListBucketUploads(ctx, "sums"); err != nil || len(ups) != 0 {
		t.Errorf("uploads after a failed multipart Put = %v, %v; want none", ups, err)
	}
}

func TestPutBadReader(t *testing.T) {
	ctx := context.Background()
	s, _ := objstore.New(memdriver.New(nil, ""), objstore.WithPartSize(objstore.MinPartSize))
	_ = s.CreateBucket(ctx, "bad")
	boom := errors.New("disk on fire")
	r := io.MultiReader(bytes.NewReader(make([]byte, objstore.MinPartSize+10)), iotestErr{boom})
	if _, err := s.Put(ctx, "bad", "obj.bin", r, -1); !errors.Is(err, boom) {
		t.Errorf("Put from a failing reader = %v, want its error", err)
	}
	if ups, _ := s.ListBucketUploads(ctx, "bad"); len(ups) != 0 {
		t.Errorf("uploads after a failed Put = %v, want none", ups)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

// retrying reads part of each body, rewinds it and sends it again, as a
// driver retrying a failed request does.
type retrying struct {
	driver.Store
	rewinds atomic.Int32
}

func (d *retrying) rewind(r io.Reader) {
	if s, ok := r.(io.Seeker); ok {
		_, _ = io.CopyN(io.Discard, r, 100)
		if _, err := s.Seek(0, io.SeekStart); err == nil {
			d.rewinds.Add(1)
		}
	}
}

func (d *retrying) Put(ctx context.Context, b, o string, r io.Reader, size int64, w driver.WriteInfo) (string, error) {
	d.rewind(r)
	return d.Store.Put(ctx, b, o, r, size, w)
}

func (d *retrying) UploadPart(ctx context.Context, b, o, id string, n int, r io.Reader, size int64, md5 string) (string, error) {
	d.rewind(r)
	return d.Store.UploadPart(ctx, b, o, id, n, r, size, md5)
}

func TestPutBodiesRewind(t *testing.T) {
	ctx := context.Background()
	d := &retrying{Store: memdriver.New(nil, "")}
	s, _ := objstore.New(d, objstore.WithPartSize(objstore.MinPartSize))
	_ = s.CreateBucket(ctx, "retry")
	small := bytes.Repeat([]byte("s"), 1000)
	large := bytes.Repeat([]byte("l"), 2*objstore.MinPartSize+1)
	for _, data := range [][]byte{small, large} {
		if _, err := s.Put(ctx, "retry", "obj.bin", bytes.NewReader(data), int64(len(data))); err != nil {
			t.Errorf("Put(%d bytes) through a driver that rewinds = %v", len(data), err)
		}
	}
	if d.rewinds.Load() != 4 {
		t.Errorf("driver rewound %d bodies, want 4 (1 single, 3 parts)", d.rewinds.Load())
	}
	d.rewinds.Store(0)
	if _, err := s.Put(ctx, "retry", "obj.bin", io.MultiReader(bytes.NewReader(small)), int64(len(small))); err != nil {
		t.Errorf("Put(non-seekable reader) = %v", err)
	}
	if d.rewinds.Load() != 0 {
		t.Errorf("driver rewound a body made from a non-seekable reader")
	}
}
