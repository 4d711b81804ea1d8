package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/fileregistry/httpapi"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/wiring"
)

// The file the demo registers.
const (
	demoName    = "hello.txt"
	demoContent = "Hello from the fileregistry demo: these bytes went up and down through presigned URLs.\n"
)

// demoClient is the demo's view of the service: a plain HTTP client, as any
// other program would be.
type demoClient struct {
	api  string
	http *http.Client
	out  io.Writer
	step int
}

func (c *demoClient) printf(format string, args ...any) {
	c.step++
	fmt.Fprintf(c.out, "%d. "+format+"\n", append([]any{c.step}, args...)...)
}

// do sends a request and returns the response's status and body; a status
// other than want is an error.
func (c *demoClient) do(ctx context.Context, method, url string, body []byte, header http.Header, want int) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		req.Body = http.NoBody
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("fileregistry demo: %s %s: %w", method, redact(url), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("fileregistry demo: reading the answer to %s %s: %w", method, redact(url), err)
	}
	if resp.StatusCode != want {
		return nil, nil, fmt.Errorf("fileregistry demo: %s %s answered %s (%s), want %d",
			method, redact(url), resp.Status, bytes.TrimSpace(data), want)
	}
	return resp, data, nil
}

// runDemo registers a file through the HTTP API as a client would: it asks
// for an upload, uploads the bytes with the presigned form and plain net/http,
// confirms, receives the announcement like another service on the topic,
// downloads the file through the presigned download URL and compares the
// bytes. It writes each step to out and fails on the first surprise.
func runDemo(ctx context.Context, cfg Config, b *wiring.Backends, apiURL string, out io.Writer, logger *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.DemoTimeout)
	defer cancel()
	c := &demoClient{
		api: apiURL, out: out,
		// Redirects are not followed, so the demo can show the presigned URL.
		http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
	fmt.Fprintf(out, "fileregistry demo on events=%s dao=%s objstore=%s (bucket %s, topic %s)\n",
		b.Events.Backend(), b.DB.Backend(), storeBackend(cfg), cfg.Bucket, cfg.Topic)

	body, _ := json.Marshal(httpapi.UploadRequest{Name: demoName, Size: int64(len(demoContent))})
	_, data, err := c.do(ctx, http.MethodPost, apiURL+"/files", body, nil, http.StatusCreated)
	if err != nil {
		return err
	}
	var ticket httpapi.Ticket
	if err := json.Unmarshal(data, &ticket); err != nil {
		return fmt.Errorf("fileregistry demo: upload ticket %s: %w", data, err)
	}
	id := ticket.FileID
	c.printf("POST /files %s -> 201: file %s, upload form %s key %s", body, id, redact(ticket.UploadURL), ticket.UploadFields["key"])

	// Listen for the announcement as another service would, from now on.
	announced := make(chan events.Delivery[translators.FileRegistered], 1)
	r := events.NewRouter(events.WithLogger(logger))
	events.Handle(r, cfg.Topic, func(_ context.Context, d events.Delivery[translators.FileRegistered]) error {
		if d.Key == id {
			select {
			case announced <- d:
			default: // a redelivery
			}
		}
		return nil
	})
	listen, err := b.Events.NewSubscriber(cfg.ServiceName+"-demo", r, events.WithLogger(logger))
	if err != nil {
		return err
	}
	listenCtx, stopListening := context.WithCancel(ctx)
	listened := make(chan error, 1)
	go func() { listened <- listen.Run(listenCtx) }()
	defer func() { stopListening(); <-listened }()

	confirmURL := apiURL + "/files/" + id + "/confirm"
	_, data, err = c.do(ctx, http.MethodPost, confirmURL, nil, nil, http.StatusConflict)
	if err != nil {
		return err
	}
	c.printf("POST /files/%s/confirm before the upload -> 409: %s", id, errorText(data))

	form, contentType := ticket.UploadBody([]byte(demoContent))
	_, _, err = c.do(ctx, http.MethodPost, ticket.UploadURL, form, http.Header{"Content-Type": {contentType}}, http.StatusNoContent)
	if err != nil {
		return err
	}
	c.printf("POST %d bytes with the presigned upload form -> 204", len(demoContent))

	cid := hexkit.NewCorrelationID()
	_, data, err = c.do(ctx, http.MethodPost, confirmURL, nil, http.Header{httpapi.HeaderCorrelationID: {cid}}, http.StatusOK)
	if err != nil {
		return err
	}
	var info httpapi.FileInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return fmt.Errorf("fileregistry demo: file info %s: %w", data, err)
	}
	c.printf("POST /files/%s/confirm -> 200: %s, %d bytes, etag %s", id, info.State, info.Size, info.ETag)

	select {
	case d := <-announced:
		payload, _ := json.Marshal(d.Event)
		want := translators.FileRegistered{FileID: id, Name: demoName, Size: int64(len(demoContent)), ETag: info.ETag}
		if d.Event != want || d.CorrelationID != cid {
			return fmt.Errorf("fileregistry demo: announced %s with correlation id %s, want %+v with %s", payload, d.CorrelationID, want, cid)
		}
		c.printf("announced on %s: %s key %s %s (correlation id of the confirm request)", d.Topic, d.Type, d.Key, payload)
	case <-ctx.Done():
		return fmt.Errorf("fileregistry demo: no file_registered event for %s within %s: %w", id, cfg.DemoTimeout, ctx.Err())
	}

	resp, _, err := c.do(ctx, http.MethodGet, apiURL+"/files/"+id+"/download", nil, nil, http.StatusTemporaryRedirect)
	if err != nil {
		return err
	}
	download := resp.Header.Get("Location")
	_, data, err = c.do(ctx, http.MethodGet, download, nil, nil, http.StatusOK)
	if err != nil {
		return err
	}
	if string(data) != demoContent {
		return fmt.Errorf("fileregistry demo: downloaded %q, want %q", data, demoContent)
	}
	c.printf("GET /files/%s/download -> 307 to %s; GET it -> 200: %d bytes, the content matches", id, redact(download), len(data))

	_, data, err = c.do(ctx, http.MethodPost, confirmURL, nil, nil, http.StatusConflict)
	if err != nil {
		return err
	}
	c.printf("POST /files/%s/confirm again -> 409: %s", id, errorText(data))
	return nil
}

// redact shortens a presigned URL to its scheme, host and path: the query
// holds the signature.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host + u.Path + "?..."
}

func errorText(data []byte) string {
	var e httpapi.Error
	if json.Unmarshal(data, &e) != nil || e.Error == "" {
		return strings.TrimSpace(string(data))
	}
	return e.Error
}

// storeBackend names the object store backend.
func storeBackend(cfg Config) string {
	if isMemory(cfg.ObjStoreBackend) {
		return wiring.Memory
	}
	return cfg.ObjStoreBackend
}
