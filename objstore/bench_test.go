package objstore_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
	"github.com/hexkit-go/hexkit/objstore/internal/memdriver"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
)

// The store's own cost over the in-memory driver; the S3 comparison with
// raw minio-go is go run ./internal/bench s3.

func BenchmarkPresignGet(b *testing.B) {
	s, _ := memobjstore.New()
	defer s.Close()
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.PresignGet(ctx, "bench", "object-1.bin"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPutGet1MiB(b *testing.B) {
	s, _ := memobjstore.New()
	defer s.Close()
	ctx := context.Background()
	_ = s.CreateBucket(ctx, "bench")
	data := bytes.Repeat([]byte{7}, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := s.Put(ctx, "bench", "obj.bin", bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
		r, err := s.Get(ctx, "bench", "obj.bin")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}

// presignFree is a driver whose presigning costs nothing, to measure what
// the store adds: id rules, options, the call.
type presignFree struct{ driver.Store }

func (presignFree) Presign(context.Context, driver.PresignRequest) (string, error) {
	return "http://store.test/", nil
}

func BenchmarkPresignGetOverhead(b *testing.B) {
	s, _ := objstore.New(presignFree{memdriver.New(nil, "")})
	defer s.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.PresignGet(ctx, "bench", "object-1.bin", objstore.WithExpiry(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetVerified64MiB reads a 64 MiB object of 16 MiB parts from
// memory: the verified read's own speed, which hashing bounds.
func BenchmarkGetVerified64MiB(b *testing.B) {
	s, _ := objstore.New(memdriver.New(nil, ""))
	defer s.Close()
	ctx := context.Background()
	_ = s.CreateBucket(ctx, "bench")
	data := bytes.Repeat([]byte{7}, 64<<20)
	if _, err := s.Put(ctx, "bench", "obj.bin", bytes.NewReader(data), int64(len(data))); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := s.Get(ctx, "bench", "obj.bin")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil || !r.Verified() {
			b.Fatal(err)
		}
		r.Close()
	}
}
