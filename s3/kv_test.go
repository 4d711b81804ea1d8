package s3_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hexkit-go/hexkit"
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

// newKV opens stores under prefix in the bucket that bucket returns (a
// fresh one when nil).
func newKV[V any](prefix string, bucket func(testing.TB) (*minio.Client, string)) func(testing.TB, ...kv.Option[V]) (kv.Store[V], error) {
	if bucket == nil {
		bucket = kvBucket
	}
	return func(tb testing.TB, opts ...kv.Option[V]) (kv.Store[V], error) {
		cl, b := bucket(tb)
		return s3.NewKV[V](cl, b, prefix, opts...)
	}
}

// kvHarness opens stores under prefix in the bucket that bucket returns
// (a fresh one per store when nil).
func kvHarness(prefix string, bucket func(testing.TB) (*minio.Client, string)) kvtest.Harness {
	return kvtest.Harness{
		Bytes:   newKV[[]byte](prefix, bucket),
		Strings: newKV[string](prefix, bucket),
		Ints:    newKV[int64](prefix, bucket),
		Docs:    newKV[kvtest.Doc](prefix, bucket),
	}
}

func TestKVConformance(t *testing.T) {
	for _, prefix := range []string{"", "app/kv/"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			t.Parallel()
			h := kvHarness(prefix, nil)
			h.Shared = func(tb testing.TB) kvtest.Harness {
				cl, b := kvBucket(tb)
				return kvHarness(prefix, func(testing.TB) (*minio.Client, string) { return cl, b })
			}
			kvtest.Run(t, h, kvtest.Features{Workers: 4, Rounds: 5, DirectoryConflicts: true})
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

// TestKVErrors: a missing bucket, refused credentials and a prefix too long
// for S3's object names each wrap a kv sentinel.
func TestKVErrors(t *testing.T) {
	ctx := context.Background()
	cl, bucket := kvBucket(t)
	missing, err := s3.NewKV[string](cl, bucket+"-missing", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = missing.Get(ctx, "k")
	if !errors.Is(err, s3.ErrInvalidConfig) || !errors.Is(err, kv.ErrInvalidOption) {
		t.Errorf("Get in a missing bucket: %v, want ErrInvalidConfig and kv.ErrInvalidOption", err)
	}
	_, err = missing.Set(ctx, "k", "v")
	if !errors.Is(err, kv.ErrInvalidOption) {
		t.Errorf("Set in a missing bucket: %v, want kv.ErrInvalidOption", err)
	}
	for _, err := range missing.Scan(ctx, "") {
		if !errors.Is(err, kv.ErrInvalidOption) {
			t.Errorf("Scan of a missing bucket: %v, want kv.ErrInvalidOption", err)
		}
	}

	cfg := config(t)
	cfg.SecretKey = hexkit.NewSecret("not-the-secret")
	wrong, err := s3.OpenKV[string](ctx, cfg, bucket, "")
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	if _, err = wrong.Get(ctx, "k"); !errors.Is(err, kv.ErrUnauthorized) {
		t.Errorf("Get with a wrong secret key: %v, want kv.ErrUnauthorized", err)
	}
	if _, err = wrong.Set(ctx, "k", "v"); !errors.Is(err, kv.ErrUnauthorized) {
		t.Errorf("Set with a wrong secret key: %v, want kv.ErrUnauthorized", err)
	}

	long := strings.Repeat("p/", 256)
	if _, err := s3.NewKV[string](cl, bucket, long); err != nil {
		t.Errorf("prefix of 512 bytes: %v", err)
	}
	if _, err := s3.NewKV[string](cl, bucket, "q/"+long); !errors.Is(err, s3.ErrInvalidConfig) || !errors.Is(err, kv.ErrInvalidOption) {
		t.Errorf("prefix of 514 bytes: %v, want ErrInvalidConfig and kv.ErrInvalidOption", err)
	}
}
