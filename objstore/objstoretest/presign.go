package objstoretest

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
)

// tamper changes one character of the URL's signature parameter.
func tamper(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("presigned URL %q does not parse: %v", raw, err)
	}
	q := u.Query()
	for k, v := range q {
		if strings.Contains(strings.ToLower(k), "signature") && len(v) == 1 && v[0] != "" {
			sig := []byte(v[0])
			if sig[0] == '0' {
				sig[0] = '1'
			} else {
				sig[0] = '0'
			}
			q.Set(k, string(sig))
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	t.Fatalf("presigned URL has no signature parameter")
	return ""
}

func testPresignGet(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := randomBytes(2, 10_000)
	h.put(ctx, b, "download.bin", data)
	u, err := h.s.PresignGet(ctx, b, "download.bin", objstore.WithExpiry(time.Minute))
	noErr(t, "PresignGet", err)
	status, body, hdr := h.do(h.request(ctx, http.MethodGet, u, nil))
	if status != http.StatusOK || !bytes.Equal(body, data) {
		t.Errorf("GET presigned URL: status %d, %d bytes; want 200 and the %d bytes", status, len(body), len(data))
	}
	if got := driver.TrimETag(hdr.Get("ETag")); got != md5Hex(data) {
		t.Errorf("GET presigned URL: ETag %q, want %q", got, md5Hex(data))
	}
	req := h.request(ctx, http.MethodGet, u, nil)
	req.Header.Set("Range", "bytes=10-19")
	if status, body, _ := h.do(req); status != http.StatusPartialContent || !bytes.Equal(body, data[10:20]) {
		t.Errorf("GET presigned URL with Range bytes=10-19: status %d, %d bytes; want 206 and bytes 10 to 19", status, len(body))
	}
	req = h.request(ctx, http.MethodGet, u, nil)
	req.Header.Set("If-None-Match", `"`+md5Hex(data)+`"`)
	if status, _, _ := h.do(req); status != http.StatusNotModified {
		t.Errorf("GET presigned URL with If-None-Match of its ETag: status %d, want 304", status)
	}
	// The URL allows what was signed: this method, no x-amz-* header.
	for _, method := range []string{http.MethodHead, http.MethodDelete, http.MethodPut} {
		if status, _, _ := h.do(h.request(ctx, method, u, nil)); status != http.StatusForbidden {
			t.Errorf("%s on a presigned GET URL: status %d, want 403", method, status)
		}
	}
	req = h.request(ctx, http.MethodGet, u, nil)
	req.Header.Set("X-Amz-Meta-Owner", "mallory")
	if status, _, _ := h.do(req); status != http.StatusForbidden {
		t.Errorf("GET presigned URL with an unsigned x-amz-meta header: status %d, want 403", status)
	}
	// S3 signs the whole query: a parameter added to the URL breaks it.
	for _, extra := range []string{"response-content-type=text%2Fhtml", "versionId=abc", "foo=bar", "foo"} {
		if status, _, _ := h.do(h.request(ctx, http.MethodGet, u+"&"+extra, nil)); status != http.StatusForbidden {
			t.Errorf("GET presigned URL with the query parameter %s added: status %d, want 403", extra, status)
		}
	}
	req = h.request(ctx, http.MethodGet, u, nil)
	req.Header.Set("Range", "bytes=20000-")
	if status, _, _ := h.do(req); status != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("GET presigned URL with a Range beyond the object: status %d, want 416", status)
	}
	// S3 honours one range; it ignores several ranges and a malformed
	// one, and serves the whole object.
	for _, rng := range []string{"bytes=0-1,3-4", "bytes=20-10", "bytes=abc", "items=0-1"} {
		req = h.request(ctx, http.MethodGet, u, nil)
		req.Header.Set("Range", rng)
		if status, body, _ := h.do(req); status != http.StatusOK || !bytes.Equal(body, data) {
			t.Errorf("GET presigned URL with Range %s: status %d, %d bytes; want 200 and the whole object (S3 ignores it)", rng, status, len(body))
		}
	}
	req = h.request(ctx, http.MethodGet, u, nil)
	req.Header.Set("Range", "bytes=-0")
	if status, _, _ := h.do(req); status != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("GET presigned URL with Range bytes=-0: status %d, want 416", status)
	}
	// A date in the future is not a condition (RFC 9110): the object is
	// served.
	req = h.request(ctx, http.MethodGet, u, nil)
	req.Header.Set("If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
	if status, _, _ := h.do(req); status != http.StatusOK {
		t.Errorf("GET presigned URL with If-Modified-Since an hour ahead: status %d, want 200", status)
	}
	h.put(ctx, b, "empty.bin", nil)
	empty, err := h.s.PresignGet(ctx, b, "empty.bin")
	noErr(t, "PresignGet(empty.bin)", err)
	for rng, want := range map[string]int{"bytes=0-0": http.StatusRequestedRangeNotSatisfiable, "bytes=0-": http.StatusRequestedRangeNotSatisfiable, "bytes=-5": http.StatusOK} {
		req = h.request(ctx, http.MethodGet, empty, nil)
		req.Header.Set("Range", rng)
		if status, _, _ := h.do(req); status != want {
			t.Errorf("GET presigned URL of an empty object with Range %s: status %d, want %d", rng, status, want)
		}
	}
	if status, _, _ := h.do(h.request(ctx, http.MethodGet, tamper(t, u), nil)); status != http.StatusForbidden {
		t.Errorf("GET with a tampered signature: status %d, want 403", status)
	}
	missing, err := h.s.PresignGet(ctx, b, "missing.bin")
	noErr(t, "PresignGet(missing object)", err)
	if status, _, _ := h.do(h.request(ctx, http.MethodGet, missing, nil)); status != http.StatusNotFound {
		t.Errorf("GET presigned URL of a missing object: status %d, want 404", status)
	}
	for _, d := range []time.Duration{time.Second, objstore.MaxExpiry} {
		_, err := h.s.PresignGet(ctx, b, "download.bin", objstore.WithExpiry(d))
		noErr(t, fmt.Sprintf("PresignGet(WithExpiry(%v))", d), err)
	}
	for _, d := range []time.Duration{0, time.Millisecond, 1500 * time.Millisecond, time.Minute - time.Nanosecond, objstore.MaxExpiry + time.Second} {
		_, err := h.s.PresignGet(ctx, b, "download.bin", objstore.WithExpiry(d))
		wantErr(t, fmt.Sprintf("PresignGet(WithExpiry(%v))", d), err, objstore.ErrInvalidArgument)
	}
}

func testPresignPut(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := randomBytes(3, 20_000)
	u, err := h.s.PresignPut(ctx, b, "upload.bin")
	noErr(t, "PresignPut", err)
	status, body, hdr := h.do(h.request(ctx, http.MethodPut, u, data))
	if status != http.StatusOK {
		t.Fatalf("PUT presigned URL: status %d (%s), want 200", status, body)
	}
	if got := driver.TrimETag(hdr.Get("ETag")); got != md5Hex(data) {
		t.Errorf("PUT presigned URL: ETag %q, want %q", got, md5Hex(data))
	}
	if got, _ := h.read(ctx, b, "upload.bin"); !bytes.Equal(got, data) {
		t.Errorf("Get after presigned PUT = %d bytes, want the %d uploaded", len(got), len(data))
	}
	if st, err := h.s.Stat(ctx, b, "upload.bin"); err != nil || st.ContentType != "binary/octet-stream" {
		t.Errorf("Stat after a PUT without Content-Type = %+v, %v; want S3's default binary/octet-stream", st, err)
	}

	u, err = h.s.PresignPut(ctx, b, "typed.txt")
	noErr(t, "PresignPut", err)
	req := h.request(ctx, http.MethodPut, u, []byte("text"))
	req.Header.Set("Content-Type", "text/plain")
	if status, body, _ := h.do(req); status != http.StatusOK {
		t.Errorf("PUT with a Content-Type: status %d (%s), want 200", status, body)
	}
	if st, err := h.s.Stat(ctx, b, "typed.txt"); err != nil || st.ContentType != "text/plain" {
		t.Errorf("Stat after a PUT with Content-Type text/plain = %+v, %v; want that content type", st, err)
	}
	u, err = h.s.PresignPut(ctx, b, "meta.bin")
	noErr(t, "PresignPut", err)
	req = h.request(ctx, http.MethodPut, u, []byte("x"))
	req.Header.Set("X-Amz-Meta-Owner", "mallory")
	if status, body, _ := h.do(req); status != http.StatusForbidden {
		t.Errorf("PUT with an unsigned x-amz-meta header: status %d (%s), want 403", status, body)
	}
	if ok, err := h.s.ObjectExists(ctx, b, "meta.bin"); err != nil || ok {
		t.Errorf("ObjectExists after a refused PUT = %v, %v; want false, nil", ok, err)
	}
	gone := h.bucket()
	u, err = h.s.PresignPut(ctx, gone, "x.bin")
	noErr(t, "PresignPut", err)
	noErr(t, "DeleteBucket", h.s.DeleteBucket(ctx, gone))
	if status, body, _ := h.do(h.request(ctx, http.MethodPut, u, data)); status != http.StatusNotFound {
		t.Errorf("PUT presigned URL of a deleted bucket: status %d (%s), want 404", status, body)
	}

	// A Content-MD5 header that is not the base64 of 16 bytes is
	// InvalidDigest, one of another body BadDigest.
	for md5Header, code := range map[string]string{base64.StdEncoding.EncodeToString([]byte("short")): "InvalidDigest", "garbage!": "InvalidDigest", md5Base64([]byte("other")): "BadDigest"} {
		u, err := h.s.PresignPut(ctx, b, "digest.bin")
		noErr(t, "PresignPut", err)
		req := h.request(ctx, http.MethodPut, u, []byte("body"))
		req.Header.Set("Content-MD5", md5Header)
		if status, body, _ := h.do(req); status != http.StatusBadRequest || !bytes.Contains(body, []byte("<Code>"+code+"</Code>")) {
			t.Errorf("PUT with Content-MD5 %q: status %d (%.200s), want 400 %s", md5Header, status, body, code)
		}
	}
	// S3 refuses a Content-MD5 that is not the base64 of 16 bytes, so a
	// URL bound to one could never be used.
	sum := md5.Sum(data)
	for _, bad := range []string{"", "garbage", md5Hex(data), base64.StdEncoding.EncodeToString(sum[:15]),
		base64.RawStdEncoding.EncodeToString(sum[:]), base64.URLEncoding.EncodeToString(sum[:]) + " "} {
		_, err := h.s.PresignPut(ctx, b, "md5.bin", objstore.WithContentMD5(bad))
		wantErr(t, fmt.Sprintf("PresignPut(WithContentMD5(%q))", bad), err, objstore.ErrInvalidArgument)
		_, err = h.s.PresignPart(ctx, b, "md5.bin", "any-upload-id", 1, objstore.WithContentMD5(bad))
		wantErr(t, fmt.Sprintf("PresignPart(WithContentMD5(%q))", bad), err, objstore.ErrInvalidArgument)
	}
	u, err = h.s.PresignPut(ctx, b, "md5.bin", objstore.WithContentMD5(md5Base64(data)))
	noErr(t, "PresignPut(WithContentMD5)", err)
	req = h.request(ctx, http.MethodPut, u, data[:100])
	req.Header.Set("Content-MD5", md5Base64(data))
	if status, body, _ := h.do(req); status != http.StatusBadRequest {
		t.Errorf("PUT with a body that does not match Content-MD5: status %d (%s), want 400", status, body)
	}
	if status, _, _ := h.do(h.request(ctx, http.MethodPut, u, data)); status != http.StatusForbidden {
		t.Errorf("PUT without the signed Content-MD5: status %d, want 403", status)
	}
	req = h.request(ctx, http.MethodPut, u, data)
	req.Header.Set("Content-MD5", md5Base64(data))
	if status, body, _ := h.do(req); status != http.StatusOK {
		t.Errorf("PUT with the signed Content-MD5: status %d (%s), want 200", status, body)
	}
	if st, err := h.s.Stat(ctx, b, "md5.bin"); err != nil || st.ETag != md5Hex(data) {
		t.Errorf("Stat after PUT with Content-MD5 = %+v, %v; want ETag %s", st, err, md5Hex(data))
	}
}

// postForm uploads data through a presigned POST.
func (h *harness) postForm(p objstore.PresignedPost, data []byte) (int, string) {
	h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	keys := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.WriteField(k, p.Fields[k]); err != nil {
			h.t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "upload.bin")
	if err != nil {
		h.t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	req := h.request(h.ctx(), http.MethodPost, p.URL, body.Bytes())
	req.Header.Set("Content-Type", w.FormDataContentType())
	status, resp, _ := h.do(req)
	return status, string(resp)
}

func testPresignPost(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := randomBytes(4, 1000)
	p, err := h.s.PresignPost(ctx, b, "form.bin", 1000)
	noErr(t, "PresignPost", err)
	if p.URL == "" || len(p.Fields) == 0 {
		t.Fatalf("PresignPost = %+v, want a URL and form fields", p)
	}
	if status, resp := h.postForm(p, data); status/100 != 2 {
		t.Fatalf("POST form of 1000 bytes under a 1000 byte limit: status %d (%s), want 2xx", status, resp)
	}
	if got, _ := h.read(ctx, b, "form.bin"); !bytes.Equal(got, data) {
		t.Errorf("Get after POST = %d bytes, want the %d posted", len(got), len(data))
	}
	if st, err := h.s.Stat(ctx, b, "form.bin"); err != nil || st.ContentType != "binary/octet-stream" {
		t.Errorf("Stat after a POST = %+v, %v; want S3's default binary/octet-stream", st, err)
	}

	p, err = h.s.PresignPost(ctx, b, "toolarge.bin", 1000)
	noErr(t, "PresignPost", err)
	status, resp := h.postForm(p, randomBytes(5, 1001))
	if status != http.StatusBadRequest || !strings.Contains(resp, "EntityTooLarge") {
		t.Errorf("POST form of 1001 bytes under a 1000 byte limit: status %d (%s), want 400 EntityTooLarge", status, resp)
	}
	if ok, err := h.s.ObjectExists(ctx, b, "toolarge.bin"); err != nil || ok {
		t.Errorf("ObjectExists after a refused POST = %v, %v; want false, nil", ok, err)
	}
	// Raise the size limit in the policy without re-signing it.
	raw, err := base64.StdEncoding.DecodeString(p.Fields["policy"])
	if err != nil || !strings.Contains(string(raw), "1000") {
		t.Fatalf("policy field %q is not base64 JSON naming the limit 1000 (%v)", p.Fields["policy"], err)
	}
	p.Fields["policy"] = base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(string(raw), "1000", "9000")))
	if status, resp := h.postForm(p, data[:10]); status != http.StatusForbidden && status != http.StatusBadRequest {
		t.Errorf("POST form with a tampered policy: status %d (%s), want 403 or 400", status, resp)
	}
	// The policy allows the fields it was given, nothing more.
	for name, value := range map[string]string{"Content-Type": "text/plain", "x-amz-meta-owner": "mallory", "key": "other.bin"} {
		p, err := h.s.PresignPost(ctx, b, "extra.bin", 100)
		noErr(t, "PresignPost", err)
		p.Fields[name] = value
		if status, resp := h.postForm(p, data[:10]); status != http.StatusForbidden {
			t.Errorf("POST form with a field %s the policy does not name: status %d (%s), want 403", name, status, resp)
		}
	}
	for _, id := range []string{"extra.bin", "other.bin"} {
		if ok, err := h.s.ObjectExists(ctx, b, id); err != nil || ok {
			t.Errorf("ObjectExists(%s) after refused POSTs = %v, %v; want false, nil", id, ok, err)
		}
	}
	p, err = h.s.PresignPost(ctx, b, "empty.bin", 100)
	noErr(t, "PresignPost", err)
	if status, resp := h.postForm(p, nil); status/100 != 2 {
		t.Errorf("POST form of an empty file: status %d (%s), want 2xx", status, resp)
	}
	for _, n := range []int64{0, -1} {
		_, err := h.s.PresignPost(ctx, b, "x.bin", n)
		wantErr(t, fmt.Sprintf("PresignPost(max size %d)", n), err, objstore.ErrInvalidArgument)
	}
}

// testPresignExpiry checks that a presigned URL stops working once its
// expiry has passed, on the real clock, counted as SigV4 does from the
// start of the second it was presigned in.
func testPresignExpiry(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	h.put(ctx, b, "short.bin", []byte("short-lived"))
	var get, put string
	var post objstore.PresignedPost
	var second time.Time
	for {
		// Presign early in a second, so that all three count from it.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
		second = time.Now().Truncate(time.Second)
		var err error
		get, err = h.s.PresignGet(ctx, b, "short.bin", objstore.WithExpiry(time.Second))
		noErr(t, "PresignGet(WithExpiry(1s))", err)
		put, err = h.s.PresignPut(ctx, b, "late.bin", objstore.WithExpiry(time.Second))
		noErr(t, "PresignPut(WithExpiry(1s))", err)
		post, err = h.s.PresignPost(ctx, b, "late-form.bin", 100, objstore.WithExpiry(time.Second))
		noErr(t, "PresignPost(WithExpiry(1s))", err)
		if time.Now().Truncate(time.Second).Equal(second) {
			break
		}
	}
	// 1.3 s after the start of that second: expired, although less than
	// 1.3 s passed since presigning.
	time.Sleep(time.Until(second.Add(1300 * time.Millisecond)))
	if status, resp := h.postForm(post, []byte("late")); status != http.StatusForbidden {
		t.Errorf("POST form after its policy expired: status %d (%s), want 403", status, resp)
	}
	if status, _, _ := h.do(h.request(ctx, http.MethodGet, get, nil)); status != http.StatusForbidden {
		t.Errorf("GET of a presigned URL after its expiry: status %d, want 403", status)
	}
	if status, _, _ := h.do(h.request(ctx, http.MethodPut, put, []byte("late"))); status != http.StatusForbidden {
		t.Errorf("PUT of a presigned URL after its expiry: status %d, want 403", status)
	}
	for _, id := range []string{"late.bin", "late-form.bin"} {
		if ok, err := h.s.ObjectExists(ctx, b, id); err != nil || ok {
			t.Errorf("ObjectExists(%s) after an expired upload = %v, %v; want false, nil", id, ok, err)
		}
	}
}

// testPresignConditions checks the conditional headers of presigned GETs
// and PUTs, and a PUT without a Content-Length, as S3 servers answer them
// (versitygw's rules, which the in-memory store follows).
func testPresignConditions(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	data := []byte("conditional")
	etag := md5Hex(data)
	h.put(ctx, b, "cond.bin", data)
	u, err := h.s.PresignGet(ctx, b, "cond.bin")
	noErr(t, "PresignGet", err)
	status, _, hdr := h.do(h.request(ctx, http.MethodGet, u, nil))
	lm, err := http.ParseTime(hdr.Get("Last-Modified"))
	if status != http.StatusOK || err != nil {
		t.Fatalf("GET presigned URL: status %d, Last-Modified %q; want 200 and a date", status, hdr.Get("Last-Modified"))
	}
	// Dates are compared with the time the object was written, to finer
	// than the whole seconds of Last-Modified; wait until the second after
	// Last-Modified has passed, so that it is no future date.
	time.Sleep(time.Until(lm.Add(1100 * time.Millisecond)))
	date := func(t time.Time) string { return t.UTC().Format(http.TimeFormat) }
	after, before := lm.Add(time.Second), lm.Add(-time.Hour)
	for _, c := range []struct {
		headers []string // name, value, ...
		want    int
	}{
		{[]string{"If-Match", `"` + etag + `"`}, 200},
		{[]string{"If-Match", etag}, 200},
		{[]string{"If-Match", "*"}, 200},
		{[]string{"If-Match", `"other"`}, 412},
		{[]string{"If-Match", `"other", "` + etag + `"`}, 412},
		{[]string{"If-None-Match", `"` + etag + `"`}, 304},
		{[]string{"If-None-Match", etag}, 304},
		{[]string{"If-None-Match", "*"}, 304},
		{[]string{"If-None-Match", `W/"` + etag + `"`}, 200},
		{[]string{"If-None-Match", `"other", "` + etag + `"`}, 200},
		{[]string{"If-Modified-Since", date(lm)}, 200},
		{[]string{"If-Modified-Since", date(after)}, 304},
		{[]string{"If-Modified-Since", after.UTC().Format(time.RFC3339)}, 304},
		{[]string{"If-Modified-Since", after.UTC().Format(time.RFC850)}, 200},
		{[]string{"If-Modified-Since", date(time.Now().Add(time.Hour))}, 200},
		{[]string{"If-Unmodified-Since", date(lm)}, 412},
		{[]string{"If-Unmodified-Since", date(after)}, 200},
		{[]string{"If-Unmodified-Since", date(before)}, 412},
		{[]string{"If-Match", etag, "If-Unmodified-Since", date(before)}, 200},
		{[]string{"If-Match", etag, "If-Modified-Since", date(after)}, 304},
		{[]string{"If-Match", etag, "If-None-Match", etag}, 304},
		{[]string{"If-None-Match", `"other"`, "If-Modified-Since", date(after)}, 200},
		{[]string{"If-None-Match", `"other"`, "If-Unmodified-Since", date(before)}, 412},
		{[]string{"If-None-Match", etag, "If-Unmodified-Since", date(before)}, 412},
		{[]string{"If-Modified-Since", date(after), "If-Unmodified-Since", date(before)}, 412},
		{[]string{"If-Match", `"other"`, "Range", "bytes=100-"}, 412},
		{[]string{"If-Range", `"other"`, "Range", "bytes=0-3"}, 206},
	} {
		req := h.request(ctx, http.MethodGet, u, nil)
		for i := 0; i < len(c.headers); i += 2 {
			req.Header.Set(c.headers[i], c.headers[i+1])
		}
		status, body, hdr := h.do(req)
		if status != c.want {
			t.Errorf("GET presigned URL with %q: status %d, want %d", c.headers, status, c.want)
		}
		if status == http.StatusNotModified && (len(body) != 0 || hdr.Get("ETag") != "") {
			t.Errorf("GET presigned URL with %q: 304 with body %q and ETag %q, want neither", c.headers, body, hdr.Get("ETag"))
		}
		if status == http.StatusPreconditionFailed && !bytes.Contains(body, []byte("<Code>PreconditionFailed</Code>")) {
			t.Errorf("GET presigned URL with %q: 412 with body %q, want the error PreconditionFailed", c.headers, body)
		}
	}

	put := func(id, name, value string, body io.Reader) int {
		t.Helper()
		u, err := h.s.PresignPut(ctx, b, id)
		noErr(t, "PresignPut", err)
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, body)
		noErr(t, "NewRequest", err)
		if name != "" {
			req.Header.Set(name, value)
		}
		status, _, _ := h.do(req)
		return status
	}
	for _, c := range []struct {
		id, name, value string
		want            int
	}{
		{"cond.bin", "If-None-Match", "*", 412},
		{"cond.bin", "If-Match", `"nomatch"`, 412},
		{"cond.bin", "If-None-Match", `"` + etag + `"`, 501},
		{"missing.bin", "If-Match", `"` + etag + `"`, 404},
	} {
		if status := put(c.id, c.name, c.value, bytes.NewReader([]byte("replaced"))); status != c.want {
			t.Errorf("presigned PUT of %s with %s: %s: status %d, want %d", c.id, c.name, c.value, status, c.want)
		}
	}
	u, err = h.s.PresignPut(ctx, b, "cond.bin")
	noErr(t, "PresignPut", err)
	if status, ok := h.chunkedPut(u, "chunked"); ok && status != http.StatusLengthRequired {
		t.Errorf("presigned PUT without Content-Length (chunked): status %d, want 411", status)
	}
	if got, _ := h.read(ctx, b, "cond.bin"); !bytes.Equal(got, data) {
		t.Errorf("Get after refused PUTs = %q, want %q unchanged", got, data)
	}
	if ok, err := h.s.ObjectExists(ctx, b, "missing.bin"); err != nil || ok {
		t.Errorf("ObjectExists(missing.bin) after a refused PUT = %v, %v; want false, nil", ok, err)
	}
	if status := put("cond.bin", "If-Match", etag, bytes.NewReader([]byte("matched"))); status != http.StatusOK {
		t.Errorf("presigned PUT with If-Match of the ETag: status %d, want 200", status)
	}
	if status := put("new.bin", "If-None-Match", "*", bytes.NewReader([]byte("new"))); status != http.StatusOK {
		t.Errorf("presigned PUT of a missing object with If-None-Match: *: status %d, want 200", status)
	}
	if got, _ := h.read(ctx, b, "cond.bin"); string(got) != "matched" {
		t.Errorf("Get after a PUT with a matching If-Match = %q, want %q", got, "matched")
	}
}

// chunkedPut sends a PUT of body to rawURL with a chunked body, headers
// and body in one write, and returns the status; ok is false when the URL
// is not plain http, which this takes no client for. A server that
// answers before it reads the body may close the connection at once, so
// a client that sends the body after the headers can fail to write it
// and miss the answer.
func (h *harness) chunkedPut(rawURL, body string) (int, bool) {
	h.t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" {
		return 0, false
	}
	conn, err := net.DialTimeout("tcp", u.Host, 10*time.Second)
	if err != nil {
		h.t.Fatalf("dialing %s: %v", u.Host, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	req := fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n%x\r\n%s\r\n0\r\n\r\n",
		u.RequestURI(), u.Host, len(body), body)
	if _, err := io.WriteString(conn, req); err != nil {
		h.t.Fatalf("PUT %s: %v", u.Redacted(), err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		h.t.Fatalf("PUT %s: reading the answer: %v", u.Redacted(), err)
	}
	resp.Body.Close()
	return resp.StatusCode, true
}
