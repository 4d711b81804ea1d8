// Package httpapi is fileregistry's inbound translator: a small JSON API over
// HTTP that turns requests into calls on the domain core (package registry).
// The bytes of files never pass through it: clients move them with the
// presigned URLs and forms the API hands out.
//
//	POST /files                {"name": "a.txt", "size": 42}  -> 201 Ticket
//	POST /files/{id}/confirm                                  -> 200 FileInfo
//	GET  /files/{id}                                          -> 200 FileInfo
//	GET  /files/{id}/download                                 -> 307 to a presigned URL
//
// A client uploads the bytes with the form of the Ticket (Ticket.UploadBody
// builds it): the storage refuses more bytes than declared, and keeps them
// in a staging place until the confirmation copies them to where downloads
// read, so nothing sent with the form later changes a confirmed file (see
// package registry).
//
// Errors are JSON objects {"error": "..."} with a status that says what went
// wrong: 400 for invalid input, 404 for an unknown file or path, 405 for a
// method a path does not take (with an Allow header), 409 when the file is
// not in the right state (upload missing or of the wrong size, already
// confirmed, not available yet), 500 otherwise. A request may carry its
// correlation id in the Correlation-Id header; it then travels on the events
// the request causes, and a fresh one is made when it is absent.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
)

// HeaderCorrelationID is the request and response header that carries the
// correlation id.
const HeaderCorrelationID = "Correlation-Id"

// maxRequestBody bounds the JSON body of POST /files.
const maxRequestBody = 64 << 10

// Registry is the inbound port of the domain core, as the API needs it.
// *registry.Registry implements it.
type Registry interface {
	RequestUpload(ctx context.Context, name string, size int64) (registry.Upload, error)
	ConfirmUpload(ctx context.Context, id string) (registry.File, error)
	DownloadURL(ctx context.Context, id string) (string, error)
	File(ctx context.Context, id string) (registry.File, error)
}

var _ Registry = (*registry.Registry)(nil)

// UploadRequest is the body of POST /files. Size is the exact number of
// bytes the client will upload; left out it is 0, an empty file.
type UploadRequest struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// Ticket answers POST /files: send a multipart/form-data POST to UploadURL
// before Expires, with every field of UploadFields, then a field named
// "file" carrying exactly Size bytes, last (UploadBody builds it); then
// POST /files/{id}/confirm.
type Ticket struct {
	FileID       string            `json:"file_id"`
	UploadURL    string            `json:"upload_url"`
	UploadFields map[string]string `json:"upload_fields"`
	Size         int64             `json:"size"`
	Expires      time.Time         `json:"expires"`
}

// UploadBody returns the body of the upload of content that t asks for,
// and its Content-Type: every field of t.UploadFields, in lexical order,
// then the file.
func (t Ticket) UploadBody(content []byte) (body []byte, contentType string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, k := range slices.Sorted(maps.Keys(t.UploadFields)) {
		_ = w.WriteField(k, t.UploadFields[k]) // a bytes.Buffer takes every write
	}
	fw, _ := w.CreateFormFile("file", "upload")
	_, _ = fw.Write(content)
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType()
}

// FileInfo describes a registered file.
type FileInfo struct {
	FileID      string     `json:"file_id"`
	Name        string     `json:"name"`
	Size        int64      `json:"size"`
	ETag        string     `json:"etag,omitempty"`
	State       string     `json:"state"`
	RequestedAt time.Time  `json:"requested_at"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

// Error is the body of every error response.
type Error struct {
	Error string `json:"error"`
}

// New returns the API's handler over reg, logging failures to logger.
func New(reg Registry, logger *slog.Logger) http.Handler {
	a := &api{reg: reg, log: logger}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /files", a.requestUpload)
	mux.HandleFunc("POST /files/{id}/confirm", a.confirm)
	mux.HandleFunc("GET /files/{id}", a.file)
	mux.HandleFunc("GET /files/{id}/download", a.download)
	return withCorrelationID(jsonRouteErrors(mux))
}

// jsonRouteErrors answers a request that matches no route with a JSON
// error, 404 or 405 as mux would answer it (Allow header included),
// instead of mux's plain text.
func jsonRouteErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &statusProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		switch probe.status {
		case http.StatusNotFound:
			writeJSON(w, http.StatusNotFound, Error{"no such path"})
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			writeJSON(w, http.StatusMethodNotAllowed, Error{"method not allowed"})
		default: // a redirect to the canonical path, for example
			maps.Copy(w.Header(), probe.header)
			w.WriteHeader(probe.status)
		}
	})
}

// statusProbe records the status and header a fallback handler of a
// ServeMux writes, and drops its plain text body.
type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { p.WriteHeader(http.StatusOK); return len(b), nil }
func (p *statusProbe) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

type api struct {
	reg Registry
	log *slog.Logger
}

func (a *api) requestUpload(w http.ResponseWriter, r *http.Request) {
	var req UploadRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, Error{"invalid request body: " + err.Error()})
		return
	}
	up, err := a.reg.RequestUpload(r.Context(), req.Name, req.Size)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, Ticket{FileID: up.FileID, UploadURL: up.URL, UploadFields: up.Fields, Size: up.Size, Expires: up.Expires})
}

func (a *api) confirm(w http.ResponseWriter, r *http.Request) {
	f, err := a.reg.ConfirmUpload(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info(f))
}

func (a *api) file(w http.ResponseWriter, r *http.Request) {
	f, err := a.reg.File(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, info(f))
}

func (a *api) download(w http.ResponseWriter, r *http.Request) {
	url, err := a.reg.DownloadURL(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, url, http.StatusTemporaryRedirect)
}

// fail answers err with the status its kind calls for and the domain
// error's own text: what the adapters wrapped around it (bucket names,
// driver messages) stays in the log.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := Public(err)
	level := slog.LevelInfo
	if status == http.StatusInternalServerError {
		level = slog.LevelError
	}
	a.log.Log(r.Context(), level, "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "error", err)
	writeJSON(w, status, Error{msg})
}

// domainErrors are the registry's errors a client may see, with their
// status.
var domainErrors = []struct {
	err    error
	status int
}{
	{registry.ErrInvalidName, http.StatusBadRequest},
	{registry.ErrInvalidSize, http.StatusBadRequest},
	{registry.ErrUnknownFile, http.StatusNotFound},
	{registry.ErrUploadMissing, http.StatusConflict},
	{registry.ErrSizeMismatch, http.StatusConflict},
	{registry.ErrUploadChanged, http.StatusConflict},
	{registry.ErrAlreadyConfirmed, http.StatusConflict},
	{registry.ErrNotAvailable, http.StatusConflict},
}

// Public returns the HTTP status of an error of the registry and the
// message a client sees: the text of the registry's error, or "internal
// error" for failures that are not the client's business.
func Public(err error) (status int, msg string) {
	for _, d := range domainErrors {
		if errors.Is(err, d.err) {
			return d.status, d.err.Error()
		}
	}
	return http.StatusInternalServerError, "internal error"
}

func info(f registry.File) FileInfo {
	fi := FileInfo{FileID: f.ID, Name: f.Name, Size: f.Size, ETag: f.ETag, State: string(f.State), RequestedAt: f.RequestedAt}
	if !f.ConfirmedAt.IsZero() {
		t := f.ConfirmedAt
		fi.ConfirmedAt = &t
	}
	return fi
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // keep the URLs' '&' readable
	_ = enc.Encode(v)        // an error means the client went away: nothing to do
}

// withCorrelationID puts the request's correlation id (or a fresh one when
// it has none or an invalid one) into the context and the response.
func withCorrelationID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := r.Header.Get(HeaderCorrelationID)
		if hexkit.ValidateCorrelationID(id) == nil {
			ctx = hexkit.WithCorrelationID(ctx, id)
		} else {
			ctx, id = hexkit.EnsureCorrelationID(ctx)
		}
		w.Header().Set(HeaderCorrelationID, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
