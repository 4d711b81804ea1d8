package memdriver

import (
	"bytes"
	"context"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// fuzzEpoch is the fixed clock of the fuzzed driver: with its fixed key,
// the URLs of the seed corpus stay valid.
var fuzzEpoch = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// fuzzDriver returns a Driver with a fixed key and clock, a bucket "bkt"
// holding "obj.txt", and the requests it presigned: a GET of obj.txt, a
// PUT of put.txt, and a form POST of at most 16 bytes to form.bin.
func fuzzDriver(tb testing.TB) (f *Driver, get, put string, post driver.PresignedPost) {
	tb.Helper()
	f = New(func() time.Time { return fuzzEpoch }, "http://store.test")
	f.key = []byte("fixed key of the fuzz target, 32")
	ctx := context.Background()
	if err := f.CreateBucket(ctx, "bkt"); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Put(ctx, "bkt", "obj.txt", strings.NewReader("hello"), 5, driver.WriteInfo{}); err != nil {
		tb.Fatal(err)
	}
	var err error
	if get, err = f.Presign(ctx, driver.PresignRequest{Method: http.MethodGet, Bucket: "bkt", Object: "obj.txt", Expiry: time.Hour}); err != nil {
		tb.Fatal(err)
	}
	if put, err = f.Presign(ctx, driver.PresignRequest{Method: http.MethodPut, Bucket: "bkt", Object: "put.txt", Expiry: time.Hour}); err != nil {
		tb.Fatal(err)
	}
	if post, err = f.PresignPost(ctx, "bkt", "form.bin", 16, time.Hour); err != nil {
		tb.Fatal(err)
	}
	return f, get, put, post
}

// formBody encodes fields (in lexical order) and a file as a form.
func formBody(fields map[string]string, file string) (contentType string, body []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.SetBoundary("fuzzboundary")
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		_ = mw.WriteField(k, fields[k])
	}
	fw, _ := mw.CreateFormFile("file", "f")
	_, _ = fw.Write([]byte(file))
	_ = mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// FuzzHandler sends arbitrary requests to the handler of a store whose
// only presigned requests are those of fuzzDriver. Whatever the request,
// the handler must not panic, must answer with a status S3 uses, and may
// succeed only for what was signed: a GET of obj.txt, a PUT of put.txt,
// a POST of at most 16 bytes to form.bin; no other object may appear and
// obj.txt may not change.
func FuzzHandler(f *testing.F) {
	_, get, put, post := fuzzDriver(f)
	path := func(raw string) string {
		u, _ := url.Parse(raw)
		return u.RequestURI()
	}
	f.Add("GET", path(get), "", []byte(nil))
	f.Add("PUT", path(put), "", []byte("new bytes"))
	f.Add("PUT", strings.Replace(path(put), "put.txt", "obj.txt", 1), "", []byte("overwrite"))
	f.Add("GET", path(get)+"&uploadId=u&partNumber=%0A", "", []byte(nil))
	ct, body := formBody(post.Fields, "form bytes")
	f.Add("POST", path(post.URL), ct, body)
	ct, body = formBody(post.Fields, "more than sixteen bytes")
	f.Add("POST", path(post.URL), ct, body)
	bent := map[string]string{"key": "obj.txt"}
	for k, v := range post.Fields {
		if k != "key" {
			bent[k] = v
		}
	}
	ct, body = formBody(bent, "x")
	f.Add("POST", path(post.URL), ct, body)

	f.Fuzz(func(t *testing.T, method, target, contentType string, body []byte) {
		d, _, _, _ := fuzzDriver(t)
		req, err := http.NewRequest(method, "http://store.test"+target, bytes.NewReader(body))
		if err != nil || req.URL.Path == "" || !strings.HasPrefix(req.URL.Path, "/") {
			return // no HTTP server would hand this to a handler
		}
		req.RequestURI = target
		req.Header.Set("Content-Length", strconv.Itoa(len(body))) // as net/http's server keeps it
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 204, 206, 304, 400, 403, 404, 405, 411, 412, 416, 500, 501:
		default:
			t.Fatalf("%s %s: status %d", method, target, rec.Code)
		}
		if rec.Code/100 == 2 {
			b, id, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
			m := req.Method // "" is GET
			ok := b == "bkt" && (m == http.MethodGet && id == "obj.txt" ||
				m == http.MethodPut && id == "put.txt" ||
				m == http.MethodPost && id == "")
			if !ok {
				t.Fatalf("%s %s answered %d: not a signed request", method, target, rec.Code)
			}
		}
		ctx := context.Background()
		for id, err := range d.List(ctx, "bkt", "") {
			if err != nil {
				t.Fatal(err)
			}
			if id != "obj.txt" && id != "put.txt" && id != "form.bin" {
				t.Fatalf("%s %s stored object %q, which nothing signed", method, target, id)
			}
		}
		data, _, _, err := d.snapshot("bkt", "obj.txt")
		if err != nil || string(data) != "hello" {
			t.Fatalf("%s %s: obj.txt is %q, %v; want it unchanged", method, target, data, err)
		}
		if data, _, _, err := d.snapshot("bkt", "form.bin"); err == nil && len(data) > 16 {
			t.Fatalf("%s %s stored %d bytes in form.bin, over the form's 16", method, target, len(data))
		}
	})
}
