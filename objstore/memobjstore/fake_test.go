package memobjstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func status(t *testing.T, method, url string, body io.Reader, contentType string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestURLsExpire(t *testing.T) {
	s, c := clockedStore(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ctx := context.Background()
	get, _ := s.PresignGet(ctx, "exp", "obj.txt", objstore.WithExpiry(time.Minute))
	put, _ := s.PresignPut(ctx, "exp", "new.txt", objstore.WithExpiry(time.Minute))
	post, _ := s.PresignPost(ctx, "exp", "form.txt", 10, objstore.WithExpiry(time.Minute))
	if got := status(t, http.MethodGet, get, nil, ""); got != http.StatusOK {
		t.Fatalf("GET before expiry: %d, want 200", got)
	}
	c.add(time.Minute + time.Second)
	if got := status(t, http.MethodGet, get, nil, ""); got != http.StatusForbidden {
		t.Errorf("GET after expiry: %d, want 403", got)
	}
	if got := status(t, http.MethodPut, put, strings.NewReader("y"), ""); got != http.StatusForbidden {
		t.Errorf("PUT after expiry: %d, want 403", got)
	}
	body, ctype := form(post.Fields, "z")
	if got := status(t, http.MethodPost, post.URL, body, ctype); got != http.StatusForbidden {
		t.Errorf("POST after expiry: %d, want 403", got)
	}
}

// A URL counts its expiry from the start of the second it was presigned
// in, as SigV4 does, and works up to that instant, not through its second.
func TestURLsExpireOnTheSecond(t *testing.T) {
	s, c := clockedStore(t, time.Date(2026, 1, 1, 0, 0, 0, 900_000_000, time.UTC))
	ctx := context.Background()
	get, _ := s.PresignGet(ctx, "exp", "obj.txt", objstore.WithExpiry(time.Second))
	post, _ := s.PresignPost(ctx, "exp", "form.txt", 10, objstore.WithExpiry(time.Second))
	c.add(100 * time.Millisecond) // 0:00:01.000, the deadline itself
	if got := status(t, http.MethodGet, get, nil, ""); got != http.StatusOK {
		t.Errorf("GET at the deadline: %d, want 200", got)
	}
	c.add(time.Millisecond)
	if got := status(t, http.MethodGet, get, nil, ""); got != http.StatusForbidden {
		t.Errorf("GET 1 ms after 1 s from the start of its second: %d, want 403", got)
	}
	body, ctype := form(post.Fields, "z")
	if got := status(t, http.MethodPost, post.URL, body, ctype); got != http.StatusForbidden {
		t.Errorf("POST 1 ms after 1 s from the start of its second: %d, want 403", got)
	}
}

// clockedStore returns a store on clock c, starting at start, with bucket
// "exp" holding obj.txt.
func clockedStore(t *testing.T, start time.Time) (objstore.Store, *clock) {
	t.Helper()
	c := &clock{t: start}
	s := memobjstore.NewTest(t, memobjstore.WithClock(c.now))
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "exp"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "exp", "obj.txt", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// form returns a multipart form with fields and then a file field.
func form(fields map[string]string, file string) (io.Reader, string) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "f")
	fw.Write([]byte(file))
	w.Close()
	return &body, w.FormDataContentType()
}

func TestURLsFromOneStoreFailOnAnother(t *testing.T) {
	ctx := context.Background()
	a, b := memobjstore.NewTest(t), memobjstore.NewTest(t)
	for _, s := range []objstore.Store{a, b} {
		_ = s.CreateBucket(ctx, "keys")
		_, _ = s.Put(ctx, "keys", "obj.txt", strings.NewReader("x"), 1)
	}
	ua, _ := a.PresignGet(ctx, "keys", "obj.txt")
	ub, _ := b.PresignGet(ctx, "keys", "obj.txt")
	if got := status(t, http.MethodGet, ua, nil, ""); got != http.StatusOK {
		t.Fatalf("GET on the store that signed: %d, want 200", got)
	}
	// a's path and signature sent to b's server.
	hostA, hostB := hostOf(t, ua), hostOf(t, ub)
	if hostA == hostB {
		t.Fatalf("two stores serve on the same address %s", hostA)
	}
	if got := status(t, http.MethodGet, strings.Replace(ua, hostA, hostB, 1), nil, ""); got != http.StatusForbidden {
		t.Errorf("GET signed by another store's key: %d, want 403", got)
	}
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestClose(t *testing.T) {
	ctx := context.Background()
	s, err := memobjstore.New()
	if err != nil {
		t.Fatal(err)
	}
	_ = s.CreateBucket(ctx, "closing")
	_, _ = s.Put(ctx, "closing", "obj.txt", strings.NewReader("x"), 1)
	u, _ := s.PresignGet(ctx, "closing", "obj.txt")
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if _, err := s.Stat(ctx, "closing", "obj.txt"); !errors.Is(err, objstore.ErrClosed) {
		t.Errorf("Stat after Close = %v, want ErrClosed", err)
	}
	if _, err := s.PresignGet(ctx, "closing", "obj.txt"); !errors.Is(err, objstore.ErrClosed) {
		t.Errorf("PresignGet after Close = %v, want ErrClosed", err)
	}
	if resp, err := http.Get(u); err == nil {
		resp.Body.Close()
		t.Errorf("GET of a presigned URL after Close answered %d, want no server", resp.StatusCode)
	}
}

func TestNewRefusesBadAddress(t *testing.T) {
	for name, opt := range map[string]memobjstore.Option{
		"WithAddress(bad)":                        memobjstore.WithAddress("256.0.0.1:http"),
		"WithClock(nil)":                          memobjstore.WithClock(nil),
		"WithStoreOptions(WithPutConcurrency(0))": memobjstore.WithStoreOptions(objstore.WithPutConcurrency(0)),
		"WithStoreOptions(WithPartSize(1))":       memobjstore.WithStoreOptions(objstore.WithPartSize(1)),
	} {
		s, err := memobjstore.New(opt)
		if !errors.Is(err, memobjstore.ErrInvalidConfig) || !errors.Is(err, objstore.ErrInvalidOption) {
			t.Errorf("New(%s) = %v, want ErrInvalidConfig and objstore.ErrInvalidOption", name, err)
		}
		if err == nil {
			s.Close()
		}
	}
}

func TestListPages(t *testing.T) {
	ctx := context.Background()
	s := memobjstore.NewTest(t)
	_ = s.CreateBucket(ctx, "many")
	const n = 2500
	for i := range n {
		if _, err := s.Put(ctx, "many", fmt.Sprintf("obj-%05d", i), bytes.NewReader(nil), 0); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	for id, err := range s.List(ctx, "many", "obj-") {
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("obj-%05d", i); id != want {
			t.Fatalf("List()[%d] = %q, want %q", i, id, want)
		}
		i++
	}
	if i != n {
		t.Errorf("List yielded %d ids over several pages, want %d", i, n)
	}
	// Deleting while listing, as DeleteBucket(WithContent()) does.
	if err := s.DeleteBucket(ctx, "many", objstore.WithContent()); err != nil {
		t.Errorf("DeleteBucket(WithContent()) of %d objects = %v", n, err)
	}
}

func TestHandlerRejectsOddRequests(t *testing.T) {
	s := memobjstore.NewTest(t)
	ctx := context.Background()
	_ = s.CreateBucket(ctx, "odd")
	get, _ := s.PresignGet(ctx, "odd", "obj.txt")
	base := get[:strings.Index(get, "/odd/")]
	for _, c := range []struct {
		method, url, ctype string
		want               int
	}{
		{http.MethodDelete, get, "", http.StatusForbidden}, // the signature is for GET, as on S3
		{http.MethodGet, base + "/odd", "", http.StatusForbidden},
		{http.MethodGet, base + "/odd/obj.txt", "", http.StatusForbidden},
		{http.MethodPost, base + "/odd", "text/plain", http.StatusPreconditionFailed}, // not a form, as versitygw answers
		{http.MethodPost, base + "/odd/obj.txt", "", http.StatusMethodNotAllowed},
		{http.MethodPut, get, "", http.StatusForbidden}, // a GET signature does not allow PUT
	} {
		if got := status(t, c.method, c.url, strings.NewReader(""), c.ctype); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.url, got, c.want)
		}
	}
}
