package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/fileregistry/httpapi"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
)

// stub is a Registry that answers with fixed values or err, and remembers
// the correlation id of the last call.
type stub struct {
	err         error
	correlation string
}

var (
	requested = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	confirmed = requested.Add(time.Minute)
)

func (s *stub) note(ctx context.Context) { s.correlation, _ = hexkit.CorrelationID(ctx) }

func (s *stub) RequestUpload(ctx context.Context, name string, size int64) (registry.Upload, error) {
	s.note(ctx)
	return registry.Upload{FileID: "f1", URL: "http://storage/post", Fields: map[string]string{"key": "upload.f1"}, Size: size, Expires: requested.Add(time.Hour)}, s.err
}

func (s *stub) ConfirmUpload(ctx context.Context, id string) (registry.File, error) {
	s.note(ctx)
	return registry.File{ID: id, Name: "a.txt", Size: 3, ETag: "e", State: registry.Available, RequestedAt: requested, ConfirmedAt: confirmed}, s.err
}

func (s *stub) DownloadURL(ctx context.Context, id string) (string, error) {
	s.note(ctx)
	return "http://storage/get/" + id, s.err
}

func (s *stub) File(ctx context.Context, id string) (registry.File, error) {
	s.note(ctx)
	return registry.File{ID: id, Name: "a.txt", Size: 3, State: registry.Pending, RequestedAt: requested}, s.err
}

func serve(t *testing.T, reg httpapi.Registry, method, path, body string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	httpapi.New(reg, slog.New(slog.DiscardHandler)).ServeHTTP(rec, req)
	return rec
}

func TestRoutes(t *testing.T) {
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "/files", `{"name":"a.txt","size":3}`, 201,
			`{"file_id":"f1","upload_url":"http://storage/post","upload_fields":{"key":"upload.f1"},"size":3,"expires":"2026-11-27T13:00:00Z"}`},
		{"POST", "/files/f1/confirm", "", 200,
			`{"file_id":"f1","name":"a.txt","size":3,"etag":"e","state":"available","requested_at":"2026-11-27T12:00:00Z","confirmed_at":"2026-11-27T12:01:00Z"}`},
		{"GET", "/files/f1", "", 200,
			`{"file_id":"f1","name":"a.txt","size":3,"state":"pending","requested_at":"2026-11-27T12:00:00Z"}`},
		{"GET", "/files/f1/download", "", 307, ""},
		{"POST", "/files", `{"name":"a.txt","size":"big"}`, 400, ""},
		{"POST", "/files", `{"name":"a.txt","color":"red"}`, 400, ""},
		{"DELETE", "/files/f1", "", 405, `{"error":"method not allowed"}`},
		{"PUT", "/files", "", 405, `{"error":"method not allowed"}`},
		{"GET", "/nope", "", 404, `{"error":"no such path"}`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := serve(t, &stub{}, tt.method, tt.path, tt.body, nil)
			if rec.Code != tt.status {
				t.Fatalf("status %d (%s), want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.want != "" && strings.TrimSpace(rec.Body.String()) != tt.want {
				t.Errorf("body\n%s\nwant\n%s", rec.Body, tt.want)
			}
		})
	}
	if allow := serve(t, &stub{}, "DELETE", "/files/f1", "", nil).Header().Get("Allow"); !strings.Contains(allow, "GET") {
		t.Errorf("405 Allow header = %q, want the path's methods", allow)
	}
	rec := serve(t, &stub{}, "GET", "/files/f1/download", "", nil)
	if loc := rec.Header().Get("Location"); loc != "http://storage/get/f1" {
		t.Errorf("download redirects to %q", loc)
	}
}

func TestErrorStatus(t *testing.T) {
	for _, tt := range []struct {
		err    error
		status int
	}{
		{registry.ErrInvalidName, 400},
		{registry.ErrInvalidSize, 400},
		{registry.ErrUnknownFile, 404},
		{registry.ErrUploadMissing, 409},
		{registry.ErrSizeMismatch, 409},
		{registry.ErrUploadChanged, 409},
		{registry.ErrAlreadyConfirmed, 409},
		{registry.ErrNotAvailable, 409},
		{errors.New("database down"), 500},
	} {
		err := fmt.Errorf("wrapped: %w", tt.err)
		rec := serve(t, &stub{err: err}, "POST", "/files/f1/confirm", "", nil)
		var body httpapi.Error
		if jerr := json.Unmarshal(rec.Body.Bytes(), &body); jerr != nil {
			t.Fatalf("error body %s: %v", rec.Body, jerr)
		}
		want := tt.err.Error()
		if tt.status == 500 {
			want = "internal error"
		}
		if rec.Code != tt.status || body.Error != want {
			t.Errorf("for %v: status %d body %+v, want %d %q", tt.err, rec.Code, body, tt.status, want)
		}
	}
}

func TestCorrelationID(t *testing.T) {
	cid := hexkit.NewCorrelationID()
	s := &stub{}
	rec := serve(t, s, "POST", "/files/f1/confirm", "", http.Header{httpapi.HeaderCorrelationID: {cid}})
	if got := []string{s.correlation, rec.Header().Get(httpapi.HeaderCorrelationID)}; !cmp.Equal(got, []string{cid, cid}) {
		t.Errorf("correlation id in the call and the response = %v, want the request's %s", got, cid)
	}
	for _, header := range []http.Header{nil, {httpapi.HeaderCorrelationID: {"not-a-uuid"}}} {
		rec = serve(t, s, "GET", "/files/f1", "", header)
		got := rec.Header().Get(httpapi.HeaderCorrelationID)
		if hexkit.ValidateCorrelationID(got) != nil || got != s.correlation {
			t.Errorf("with header %v: correlation id %q in the response, %q in the call; want one fresh valid id", header, got, s.correlation)
		}
	}
}
