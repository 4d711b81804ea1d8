package s3_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/s3"
)

// offlineStore is a store whose client knows its region, so presigning
// sends no request: the address is never dialed.
func offlineStore(b *testing.B) (objstore.Store, *minio.Client) {
	b.Helper()
	s, err := s3.Open(context.Background(), s3.Config{Endpoint: "127.0.0.1:1", AccessKey: "access",
		SecretKey: hexkit.NewSecret("secret"), PathStyle: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var c *minio.Client
	if !s.As(&c) {
		b.Fatal("no *minio.Client")
	}
	return s, c
}

// BenchmarkPresignGet compares the store's PresignGet with the client's
// own PresignedGetObject (and String, which the store returns), both
// offline: what the store adds per call.
func BenchmarkPresignGet(b *testing.B) {
	s, c := offlineStore(b)
	ctx := context.Background()
	names := make([]string, 1024)
	for i := range names {
		names[i] = fmt.Sprintf("obj-%d", i)
	}
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			u, err := c.PresignedGetObject(ctx, "bench", names[i%len(names)], time.Hour, nil)
			if err != nil {
				b.Fatal(err)
			}
			_ = u.String()
			i++
		}
	})
	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.PresignGet(ctx, "bench", names[i%len(names)], objstore.WithExpiry(time.Hour)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkMD5 is the machine's MD5 throughput on 64 MiB, the bound of a
// verified whole-object Get.
func BenchmarkMD5(b *testing.B) {
	data := make([]byte, 64<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h := md5.New()
		h.Write(data)
		h.Sum(nil)
	}
}

// BenchmarkGet reads a 1 MiB object (an MD5 ETag) and a 64 MiB object
// written by Put (a multipart ETag of 16 MiB parts) from the server:
// verified (the default), without verification, and with the raw client,
// which checks nothing.
func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	s, err := s3.Open(ctx, config(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var c *minio.Client
	s.As(&c)
	bucket := uniqueBucket(b, s)
	for _, size := range []int{1 << 20, 64 << 20} {
		data := make([]byte, size)
		_, _ = rand.Read(data)
		id := fmt.Sprintf("obj-%d.bin", size)
		if _, err := s.Put(ctx, bucket, id, bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
		get := func(b *testing.B, opts ...objstore.GetOption) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := s.Get(ctx, bucket, id, opts...)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, r)
				r.Close()
				if err != nil || n != int64(len(data)) || r.Verified() == (len(opts) > 0) {
					b.Fatalf("read %d bytes, %v, verified %v", n, err, r.Verified())
				}
			}
		}
		name := fmt.Sprintf("%dMiB", size>>20)
		b.Run(name+"/verified", func(b *testing.B) { get(b) })
		b.Run(name+"/unverified", func(b *testing.B) { get(b, objstore.WithoutVerification()) })
		b.Run(name+"/raw", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				rc, _, _, err := minio.Core{Client: c}.GetObject(ctx, bucket, id, minio.GetObjectOptions{})
				if err != nil {
					b.Fatal(err)
				}
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// uniqueBucket creates a bucket that the benchmark deletes at its end.
func uniqueBucket(b *testing.B, s objstore.Store) string {
	b.Helper()
	var sfx [4]byte
	_, _ = rand.Read(sfx[:])
	name := fmt.Sprintf("bench-%x", sfx)
	if err := s.CreateBucket(context.Background(), name); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.DeleteBucket(context.Background(), name, objstore.WithContent()) })
	return name
}
