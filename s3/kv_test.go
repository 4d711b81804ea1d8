package s3_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/kvtest"
	"github.com/hexkit-go/hexkit/s3"
)

// kvBucket returns a client and a fresh bucket, emptied and removed at
// cleanup.
func kvBucket(tb testing.TB) (*minio.Client, string) {
	tb.Helper()
	srv := testenv.S3Server(tb)
	cl, err := minio.New(srv.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), Region: srv.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		tb.Fatal(err)
	}
	bucket := testenv.UniqueName(tb, "kv")
	ctx := context.Background()
	if err := cl.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for o := range cl.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true}) {
			if o.Err == nil {
				_ = cl.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{})
			}
		}
		_ = cl.RemoveBucket(ctx, bucket)
	})
	return cl, bucket
}

func newKV[V any](prefix string) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	return func(tb testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		cl, bucket := kvBucket(tb)
		return s3.NewKV[V](cl, bucket, prefix, opts...)
	}
}

func TestKVConformance(t *testing.T) {
	for _, prefix := range []string{"", "app/kv/"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			t.Parallel()
			kvtest.Run(t, kvtest.Harness{
				Bytes:   newKV[[]byte](prefix),
				Strings: newKV[string](prefix),
				Ints:    newKV[int64](prefix),
				Docs:    newKV[kvtest.Doc](prefix),
			}, kvtest.Features{Workers: 4, Rounds: 5})
		})
	}
}

func TestKVInvalidConfig(t *testing.T) {
	ctx := context.Background()
	cl, bucket := kvBucket(t)
	for name, err := range map[string]error{
		"nil client":       func() error { _, err := s3.NewKV[string](nil, bucket, ""); return err }(),
		"empty bucket":     func() error { _, err := s3.NewKV[string](cl, "", ""); return err }(),
		"prefix without /": func() error { _, err := s3.NewKV[string](cl, bucket, "app"); return err }(),
		"prefix //":        func() error { _, err := s3.NewKV[string](cl, bucket, "app//"); return err }(),
		"nil codec":        func() error { _, err := s3.NewKV(cl, bucket, "", kv.WithCodec[string](nil)); return err }(),
		"bad config":       func() error { _, err := s3.OpenKV[string](ctx, s3.Config{}, bucket, ""); return err }(),
	} {
		if !errors.Is(err, s3.ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", name, err)
		}
	}
	st, err := s3.OpenKV[string](ctx, config(t), bucket, "p/")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	var got *minio.Client
	if !st.As(&got) || got == nil {
		t.Fatal("As(**minio.Client) failed")
	}
	if _, err := got.StatObject(ctx, bucket, "p/k", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("the entry is not the object prefix+key: %v", err)
	}
}
