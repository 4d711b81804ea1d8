package s3_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/objstoretest"
	"github.com/hexkit-go/hexkit/s3"
)

func config(tb testing.TB) s3.Config {
	tb.Helper()
	srv := testenv.S3Server(tb)
	return s3.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey,
		SecretKey: hexkit.NewSecret(srv.SecretKey), PathStyle: true}
}

func newStore(t *testing.T, opts ...objstore.Option) objstore.Store {
	t.Helper()
	s, err := s3.Open(context.Background(), config(t), opts...)
	if err != nil {
		t.Fatalf("s3.Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	objstoretest.Run(t, newStore, objstoretest.Features{})
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := s3.Config{Endpoint: "h:1", AccessKey: "ak", SecretKey: hexkit.NewSecret("very-secret"), SessionToken: hexkit.NewSecret("token-secret")}
	js := testenv.SecretsHidden(t, cfg, "very-secret", "token-secret")
	if !strings.Contains(js, "h:1") {
		t.Errorf("the JSON of the config lacks the endpoint: %s", js)
	}
}

func TestConfigValidation(t *testing.T) {
	ctx := context.Background()
	for name, cfg := range map[string]s3.Config{
		"no endpoint":    {AccessKey: "a", SecretKey: hexkit.NewSecret("b")},
		"scheme":         {Endpoint: "http://h:1", AccessKey: "a", SecretKey: hexkit.NewSecret("b")},
		"no credentials": {Endpoint: "h:1"},
		"no secret key":  {Endpoint: "h:1", AccessKey: "a"},
	} {
		if _, err := s3.Open(ctx, cfg); !errors.Is(err, s3.ErrInvalidConfig) {
			t.Errorf("Open(%s) = %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := s3.New(nil); !errors.Is(err, s3.ErrInvalidConfig) {
		t.Errorf("New(nil) = %v, want ErrInvalidConfig", err)
	}
	valid := s3.Config{Endpoint: "h:1", AccessKey: "a", SecretKey: hexkit.NewSecret("b")}
	_, err := s3.Open(ctx, valid, objstore.WithPartSize(1))
	if !errors.Is(err, s3.ErrInvalidConfig) || !errors.Is(err, objstore.ErrInvalidOption) {
		t.Errorf("Open(WithPartSize(1)) = %v, want ErrInvalidConfig and objstore.ErrInvalidOption", err)
	}
	s, err := s3.Open(ctx, s3.Config{Endpoint: "h:1", AccessKey: "a", SecretKey: hexkit.NewSecret("b"), TLS: true, TLSConfig: &tls.Config{MinVersion: tls.VersionTLS13}})
	if err != nil {
		t.Fatalf("Open(TLS with a TLSConfig) = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := s.CreateBucket(ctx, "after-close"); !errors.Is(err, objstore.ErrClosed) {
		t.Errorf("CreateBucket after Close = %v, want ErrClosed", err)
	}
}

// The sentinel and minio's error are both reachable, on the real server.
func TestErrorsReachDriverError(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	b := testBucket(t, s, "errs")
	err := s.CreateBucket(ctx, b)
	var resp minio.ErrorResponse
	if !errors.Is(err, objstore.ErrBucketExists) || !errors.As(err, &resp) || resp.Code == "" {
		t.Errorf("CreateBucket(existing) = %v; want ErrBucketExists wrapping a minio.ErrorResponse (got code %q)", err, resp.Code)
	}
	_, err = s.ListParts(ctx, b, "obj.bin", "no-such-upload")
	if !errors.Is(err, objstore.ErrUploadNotFound) || !errors.As(err, &resp) || resp.Code != "NoSuchUpload" {
		t.Errorf("ListParts(unknown upload) = %v; want ErrUploadNotFound wrapping NoSuchUpload", err)
	}
	var core *minio.Core
	if !s.As(&core) || core == nil {
		t.Errorf("As(**minio.Core) = false")
	}
	var other *http.Client
	if s.As(&other) {
		t.Errorf("As(**http.Client) = true, want false")
	}
}

// A multipart Put with IfAbsent sends If-None-Match at completion: the
// server refuses it and the store aborts the upload.
func TestIfAbsentMultipart(t *testing.T) {
	s, err := s3.Open(context.Background(), config(t), objstore.WithPartSize(objstore.MinPartSize))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := testBucket(t, s, "absent")
	if _, err := s.Put(ctx, b, "taken.bin", strings.NewReader("old"), 3); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("z"), objstore.MinPartSize+1)
	_, err = s.Put(ctx, b, "taken.bin", bytes.NewReader(data), int64(len(data)), objstore.IfAbsent())
	if !errors.Is(err, objstore.ErrObjectExists) {
		t.Errorf("multipart Put(IfAbsent) over an existing object = %v, want ErrObjectExists", err)
	}
	if info, err := s.Stat(ctx, b, "taken.bin"); err != nil || info.Size != 3 {
		t.Errorf("Stat after the refused Put = %+v, %v; want the old 3 bytes", info, err)
	}
	if ups, err := s.ListBucketUploads(ctx, b); err != nil || len(ups) != 0 {
		t.Errorf("uploads after the refused Put = %v, %v; want none", ups, err)
	}
	if _, err := s.Put(ctx, b, "fresh.bin", bytes.NewReader(data), int64(len(data)), objstore.IfAbsent()); err != nil {
		t.Errorf("multipart Put(IfAbsent) of a new object = %v", err)
	}
}

// On versitygw's POSIX backend "a" and "a/b" cannot both be objects; the
// refusal is a sentinel, not a bare server error.
func TestObjectParentIsFile(t *testing.T) {
	any := func(string) error { return nil }
	s := newStore(t, objstore.WithIDRules(objstore.IDRules{Object: any}))
	ctx := context.Background()
	b := testBucket(t, s, "parent")
	if _, err := s.Put(ctx, b, "dir", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	_, err := s.Put(ctx, b, "dir/x", strings.NewReader("y"), 1)
	var resp minio.ErrorResponse
	if err != nil && (!errors.Is(err, objstore.ErrObjectExists) || !errors.As(err, &resp)) {
		t.Errorf("Put(dir/x) with an object dir = %v; want nil (AWS) or ErrObjectExists wrapping the server's error", err)
	}
}

// Refused credentials and a server that does not answer are sentinels.
func TestUnauthorizedAndUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := config(t)
	cfg.SecretKey = hexkit.NewSecret("not-the-secret")
	s, err := s3.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.BucketExists(ctx, "any-bucket")
	var resp minio.ErrorResponse
	if !errors.Is(err, objstore.ErrUnauthorized) || !errors.As(err, &resp) {
		t.Errorf("BucketExists with a wrong secret key = %v, want ErrUnauthorized wrapping the server's error", err)
	}

	// An access key the server does not know: versitygw answers 404
	// XAdminUserNotFound, also to a HEAD of an existing bucket.
	good := newStore(t)
	b := testBucket(t, good, "creds")
	if _, err := good.Put(ctx, b, "obj.txt", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	cfg = config(t)
	cfg.AccessKey = "no-such-access-key"
	s, err = s3.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ok, err := s.BucketExists(ctx, b)
	if !errors.Is(err, objstore.ErrUnauthorized) {
		t.Errorf("BucketExists(existing bucket) with an unknown access key = %v, %v; want ErrUnauthorized", ok, err)
	}
	_, err = s.Stat(ctx, b, "obj.txt")
	wantUnauthorized(t, "Stat", err)
	ok, err = s.ObjectExists(ctx, b, "missing.txt")
	wantUnauthorized(t, fmt.Sprintf("ObjectExists = %v and", ok), err)
	wantUnauthorized(t, "CreateBucket", s.CreateBucket(ctx, b+"-x"))
	_, err = s.Put(ctx, b, "new.txt", strings.NewReader("x"), 1)
	wantUnauthorized(t, "Put", err)
	_, err = s.Get(ctx, b, "obj.txt")
	wantUnauthorized(t, "Get", err)
	wantUnauthorized(t, "Delete", s.Delete(ctx, b, "obj.txt"))
	for _, err := range s.List(ctx, b, "") {
		wantUnauthorized(t, "List", err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg = config(t)
	cfg.Endpoint = l.Addr().String()
	l.Close() // nothing listens there now
	s, err = s3.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateBucket(ctx, "any-bucket"); !errors.Is(err, objstore.ErrUnavailable) {
		t.Errorf("CreateBucket on a closed port = %v, want ErrUnavailable", err)
	}
}

// testBucket creates a uniquely named bucket through s, deleted with its
// content when the test ends.
func testBucket(t *testing.T, s objstore.Store, prefix string) string {
	t.Helper()
	b := testenv.UniqueName(t, prefix)
	if err := s.CreateBucket(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.DeleteBucket(context.Background(), b, objstore.WithContent()) })
	return b
}

func wantUnauthorized(t *testing.T, what string, err error) {
	t.Helper()
	var resp minio.ErrorResponse
	if !errors.Is(err, objstore.ErrUnauthorized) || !errors.As(err, &resp) {
		t.Errorf("%s with an unknown access key = %v, want ErrUnauthorized wrapping the server's error", what, err)
	}
}
