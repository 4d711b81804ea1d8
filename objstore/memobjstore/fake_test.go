package memobjstore_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
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

func served(t *testing.T, opts ...memobjstore.Option) *objstore.Store {
	t.Helper()
	fake := memobjstore.New(opts...)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	fake.SetBaseURL(srv.URL)
	s, err := objstore.New(fake)
	if err != nil {
		t.Fatal(err)
	}
	return s
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
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := served(t, memobjstore.WithClock(c.now))
	ctx := context.Background()
	_ = s.CreateBucket(ctx, "exp")
	_, _ = s.Put(ctx, "exp", "obj.txt", strings.NewReader("x"), 1)
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
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range post.Fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "f")
	fw.Write([]byte("z"))
	w.Close()
	if got := status(t, http.MethodPost, post.URL, &body, w.FormDataContentType()); got != http.StatusForbidden {
		t.Errorf("POST after expiry: %d, want 403", got)
	}
}

func TestURLsFromOneFakeFailOnAnother(t *testing.T) {
	ctx := context.Background()
	a, b := memobjstore.New(), memobjstore.New()
	srv := httptest.NewServer(b)
	defer srv.Close()
	a.SetBaseURL(srv.URL)
	sa, _ := objstore.New(a)
	sb, _ := objstore.New(b)
	_ = sb.CreateBucket(ctx, "keys")
	_, _ = sb.Put(ctx, "keys", "obj.txt", strings.NewReader("x"), 1)
	u, _ := sa.PresignGet(ctx, "keys", "obj.txt")
	if got := status(t, http.MethodGet, u, nil, ""); got != http.StatusForbidden {
		t.Errorf("GET signed by another fake's key: %d, want 403", got)
	}
}

func TestListPages(t *testing.T) {
	ctx := context.Background()
	s, _ := objstore.New(memobjstore.New())
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
	s := served(t)
	ctx := context.Background()
	_ = s.CreateBucket(ctx, "odd")
	get, _ := s.PresignGet(ctx, "odd", "obj.txt")
	base := get[:strings.Index(get, "/odd/")]
	for _, c := range []struct {
		method, url, ctype string
		want               int
	}{
		{http.MethodDelete, get, "", http.StatusMethodNotAllowed},
		{http.MethodGet, base + "/odd", "", http.StatusForbidden},
		{http.MethodGet, base + "/odd/obj.txt", "", http.StatusForbidden},
		{http.MethodPost, base + "/odd", "text/plain", http.StatusBadRequest},
		{http.MethodPost, base + "/odd/obj.txt", "", http.StatusMethodNotAllowed},
		{http.MethodPut, get, "", http.StatusForbidden}, // a GET signature does not allow PUT
	} {
		if got := status(t, c.method, c.url, strings.NewReader(""), c.ctype); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.url, got, c.want)
		}
	}
}
