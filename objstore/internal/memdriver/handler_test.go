package memdriver

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// newTestDriver returns a Driver with a bucket named "bkt".
func newTestDriver(t *testing.T) *Driver {
	t.Helper()
	f := New(nil, "http://store.test")
	if err := f.CreateBucket(context.Background(), "bkt"); err != nil {
		t.Fatal(err)
	}
	return f
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// serve answers req with the handler and returns the status and the S3
// error code of the answer.
func serve(f *Driver, req *http.Request) (int, string) {
	rec := httptest.NewRecorder()
	f.ServeHTTP(rec, req)
	var e xmlError
	_ = xml.Unmarshal(rec.Body.Bytes(), &e)
	return rec.Code, e.Code
}

// TestPostFieldsAreBounded sends an unauthenticated form of 125 MiB of
// fields (2000 fields of 64 KiB, no file) and checks that the handler
// refuses it as S3 does (400 MaxPostPreDataLengthExceeded) after reading
// no more than the limit and a little framing: nothing close to the body
// is read, let alone buffered.
func TestPostFieldsAreBounded(t *testing.T) {
	f := newTestDriver(t)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		value := strings.Repeat("a", 64<<10)
		for i := range 2000 {
			if err := mw.WriteField(fmt.Sprintf("x-ignore-%d", i), value); err != nil {
				return // the handler stopped reading
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	body := &countingReader{r: pr}
	req := httptest.NewRequest(http.MethodPost, "/bkt", body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	status, code := serve(f, req)
	pr.Close()
	if status != http.StatusBadRequest || code != "MaxPostPreDataLengthExceeded" {
		t.Errorf("form of 125 MiB of fields: %d %s, want 400 MaxPostPreDataLengthExceeded", status, code)
	}
	if n := body.n.Load(); n > 2*MaxPostFields {
		t.Errorf("the handler read %d bytes of the refused form, want at most %d", n, 2*MaxPostFields)
	}
}

// TestPostFieldsLimit checks the limit itself on signed forms: fields of
// MaxPostFields bytes in all (names and values) pass, one byte more is
// refused.
func TestPostFieldsLimit(t *testing.T) {
	f := newTestDriver(t)
	p, err := f.PresignPost(context.Background(), "bkt", "obj", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	for k, v := range p.Fields {
		used += len(k) + len(v)
	}
	const pad = "x-ignore-pad"
	for _, c := range []struct {
		extra      int
		status     int
		code, name string
	}{
		{0, http.StatusNoContent, "", "at the limit"},
		{1, http.StatusBadRequest, "MaxPostPreDataLengthExceeded", "one byte over"},
	} {
		fields := map[string]string{pad: strings.Repeat("a", MaxPostFields-used-len(pad)+c.extra)}
		for k, v := range p.Fields {
			fields[k] = v
		}
		status, code := serve(f, postRequest(t, fields, "hi"))
		if status != c.status || code != c.code {
			t.Errorf("fields %s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
	}
}

// postRequest returns a form POST to bucket bkt with fields, then the file.
func postRequest(t testing.TB, fields map[string]string, file string) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "f")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(file))
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/bkt", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// TestSignatureIsUnambiguous checks that the signature covers each field
// on its own: fields that join to the same text with newlines sign
// differently.
func TestSignatureIsUnambiguous(t *testing.T) {
	f := New(nil, "http://store.test")
	pairs := [][2][]string{
		{{"GET", "b", "o\nX", "", "", "", "1"}, {"GET", "b", "o", "X", "", "", "1"}},
		{{"GET", "b", "o\nu", "", "", "", "1"}, {"GET", "b", "o", "u", "\n", "", "1"}},
		{{"GET", "b", "o", ""}, {"GET", "b", "o\n"}},
		{{"POST", "p"}, {"POST\np"}},
	}
	for _, p := range pairs {
		if f.sign(p[0]...) == f.sign(p[1]...) {
			t.Errorf("%q and %q sign the same", p[0], p[1])
		}
	}
}

// TestShiftedFieldsDoNotOpenAnotherObject forges a URL from one that a
// driver signed for object "o\nu" (ids the portable layer refuses, which a
// driver must not rely on): moving the newline into the query's fields
// must not open object "o".
func TestShiftedFieldsDoNotOpenAnotherObject(t *testing.T) {
	f := newTestDriver(t)
	ctx := context.Background()
	if _, err := f.Put(ctx, "bkt", "o", strings.NewReader("secret"), 6, driver.WriteInfo{}); err != nil {
		t.Fatal(err)
	}
	signed, err := f.Presign(ctx, driver.PresignRequest{Method: http.MethodGet, Bucket: "bkt", Object: "o\nu", Expiry: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	forged := url.Values{
		paramExpires: {q.Get(paramExpires)}, paramSignature: {q.Get(paramSignature)},
		paramUploadID: {"u"}, paramPartNumber: {"\n"},
	}
	req := httptest.NewRequest(http.MethodGet, "/bkt/o?"+forged.Encode(), nil)
	if status, code := serve(f, req); status != http.StatusForbidden {
		t.Errorf("forged GET of object o: %d %s, want 403", status, code)
	}
}

// TestRangesAsS3 checks the Range headers a presigned GET honours,
// refuses and ignores against what versitygw answered for each (for an
// object of 10 bytes and an empty one).
func TestRangesAsS3(t *testing.T) {
	f := newTestDriver(t)
	ctx := context.Background()
	for _, id := range []string{"ten", "empty"} {
		data := map[string]string{"ten": "0123456789", "empty": ""}[id]
		if _, err := f.Put(ctx, "bkt", id, strings.NewReader(data), int64(len(data)), driver.WriteInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		obj, rng string
		status   int
		body     string
	}{
		{"ten", "bytes=1-2", 206, "12"},
		{"ten", "bytes=0-0", 206, "0"},
		{"ten", "bytes=1-", 206, "123456789"},
		{"ten", "bytes=9-", 206, "9"},
		{"ten", "bytes=8-20", 206, "89"},
		{"ten", "bytes=-3", 206, "789"},
		{"ten", "bytes=-20", 206, "0123456789"},
		{"ten", "bytes=+1-2", 206, "12"},
		{"ten", "bytes=01-2", 206, "12"},
		{"ten", "bytes=10-", 416, ""},
		{"ten", "bytes=10-12", 416, ""},
		{"ten", "bytes=-0", 416, ""},
		{"ten", "bytes=0-1,3-4", 200, "0123456789"},
		{"ten", "bytes=1-2,", 200, "0123456789"},
		{"ten", "bytes=5-2", 200, "0123456789"},
		{"ten", "bytes=abc", 200, "0123456789"},
		{"ten", "bytes=-", 200, "0123456789"},
		{"ten", "bytes= 1-2", 200, "0123456789"},
		{"ten", "Bytes=1-2", 200, "0123456789"},
		{"ten", "items=1-2", 200, "0123456789"},
		{"ten", "bytes=1-2-3", 200, "0123456789"},
		{"empty", "bytes=0-0", 416, ""},
		{"empty", "bytes=0-", 416, ""},
		{"empty", "bytes=-0", 416, ""},
		{"empty", "bytes=-20", 200, ""},
		{"empty", "bytes=5-2", 200, ""},
		{"empty", "bytes=0-1,3-4", 200, ""},
	}
	for _, c := range cases {
		u, err := f.Presign(ctx, driver.PresignRequest{Method: http.MethodGet, Bucket: "bkt", Object: c.obj, Expiry: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Range", c.rng)
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code == 416 {
			body = ""
		}
		if rec.Code != c.status || body != c.body {
			t.Errorf("GET %s with Range %q: %d %q, want %d %q", c.obj, c.rng, rec.Code, body, c.status, c.body)
		}
	}
}
