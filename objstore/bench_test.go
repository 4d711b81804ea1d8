package objstore_test

import (
	"bytes"
	"context"
	"io"
	"testing"

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
