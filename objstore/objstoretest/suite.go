package objstoretest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/objstore"
)

// Features tells the suite about the implementation under test.
type Features struct {
	// HTTPClient sends the requests to presigned URLs. Default
	// http.DefaultClient.
	HTTPClient *http.Client
}

// NewStore returns a fresh store with the given options for one subtest,
// closed when the subtest ends; it may share the backend with other
// subtests and tests.
type NewStore func(t *testing.T, opts ...objstore.Option) objstore.Store

// Run runs the conformance suite.
func Run(t *testing.T, newStore NewStore, f Features) {
	if f.HTTPClient == nil {
		f.HTTPClient = http.DefaultClient
	}
	tests := []struct {
		name string
		run  func(t *testing.T, h *harness)
	}{
		{"Buckets", testBuckets},
		{"DeleteBucketWithContent", testDeleteBucketWithContent},
		{"InvalidIDs", testInvalidIDs},
		{"Objects", testObjects},
		{"MissingBucket", testMissingBucket},
		{"Ranges", testRanges},
		{"List", testList},
		{"Copy", testCopy},
		{"IfAbsent", testIfAbsent},
		{"PresignGet", testPresignGet},
		{"PresignPut", testPresignPut},
		{"PresignPost", testPresignPost},
		{"PresignPostForm", testPresignPostForm},
		{"PresignExpiry", testPresignExpiry},
		{"PresignConditions", testPresignConditions},
		{"Multipart", testMultipart},
		{"MultipartChecks", testMultipartChecks},
		{"MultipartServerRules", testMultipartServerRules},
		{"StreamLarge", testStreamLarge},
		{"StreamKnownSize", testStreamKnownSize},
		{"ShortReader", testShortReader},
		{"ReaderErrors", testReaderErrors},
		{"Concurrency", testConcurrency},
		{"Cancellation", testCancellation},
		{"CancelStreaming", testCancelStreaming},
		{"CloseReader", testCloseReader},
		{"MetadataRules", testMetadataRules},
		{"WriteLimits", testWriteLimits},
		{"IDsWithinS3", testIDsWithinS3},
		{"LongNames", testLongNames},
		{"Close", testClose},
		{"MultipartEdges", testMultipartEdges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, &harness{t: t, s: newStore(t), http: f.HTTPClient, newStore: newStore})
		})
	}
}

// harness holds one subtest's store and helpers.
type harness struct {
	t        *testing.T
	s        objstore.Store
	http     *http.Client
	newStore NewStore
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	h.t.Cleanup(cancel)
	return ctx
}

// bucket creates a uniquely named bucket that is deleted, with its
// content, when the test ends.
func (h *harness) bucket() string {
	h.t.Helper()
	return h.bucketOn(h.s)
}

// bucketOn creates a bucket as bucket does, through store s.
func (h *harness) bucketOn(s objstore.Store) string {
	h.t.Helper()
	name := testenv.UniqueName(h.t, "ost")
	ctx := h.ctx()
	if err := s.CreateBucket(ctx, name); err != nil {
		h.t.Fatalf("CreateBucket(%q) = %v, want nil", name, err)
	}
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.DeleteBucket(ctx, name, objstore.WithContent()); err != nil && !errors.Is(err, objstore.ErrBucketNotFound) {
			h.t.Errorf("cleanup: DeleteBucket(%q, WithContent()) = %v", name, err)
		}
	})
	return name
}

// put stores data and fails the test on error.
func (h *harness) put(ctx context.Context, b, id string, data []byte, opts ...objstore.WriteOption) objstore.ObjectInfo {
	h.t.Helper()
	info, err := h.s.Put(ctx, b, id, bytes.NewReader(data), int64(len(data)), opts...)
	if err != nil {
		h.t.Fatalf("Put(%s/%s, %d bytes) = %v, want nil", b, id, len(data), err)
	}
	return info
}

// read reads a whole object and fails the test on error.
func (h *harness) read(ctx context.Context, b, id string, opts ...objstore.GetOption) ([]byte, objstore.Reader) {
	h.t.Helper()
	r, err := h.s.Get(ctx, b, id, opts...)
	if err != nil {
		h.t.Fatalf("Get(%s/%s) = %v, want nil", b, id, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		h.t.Fatalf("reading %s/%s: %v", b, id, err)
	}
	return data, r
}

// do sends a request with the plain HTTP client and returns status and body.
func (h *harness) do(req *http.Request) (int, []byte, http.Header) {
	h.t.Helper()
	resp, err := h.http.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Redacted(), err)
	}
	return resp.StatusCode, body, resp.Header
}

func (h *harness) request(ctx context.Context, method, url string, body []byte) *http.Request {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		h.t.Fatalf("NewRequest(%s, %s): %v", method, url, err)
	}
	return req
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Errorf("%s = %v, want an error matching %v", what, got, want)
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s = %v, want nil", what, err)
	}
}

// randomBytes returns n deterministic pseudo-random bytes.
func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := mrand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	_, _ = r.Read(b)
	return b
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func md5Base64(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}
