package objstoretest

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
)

// formPart is one part of a form POST: a field, or a file when filename
// is set.
type formPart struct {
	name, filename, value string
}

// formFields returns the fields of p as parts, in name order.
func formFields(p objstore.PresignedPost) []formPart {
	var parts []formPart
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range p.Fields {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, formPart{name: k, value: p.Fields[k]})
	}
	return parts
}

// postParts posts parts, in order, as a multipart/form-data body to url,
// and returns the status, the body and the form's boundary.
func (h *harness) postParts(url string, parts []formPart) (int, string, string) {
	h.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, p := range parts {
		hdr := textproto.MIMEHeader{}
		if p.filename != "" {
			hdr.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			hdr.Set("Content-Type", "application/octet-stream")
		} else {
			hdr.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		}
		pw, err := w.CreatePart(hdr)
		if err != nil {
			h.t.Fatal(err)
		}
		pw.Write([]byte(p.value))
	}
	w.Close()
	req := h.request(h.ctx(), http.MethodPost, url, body.Bytes())
	req.Header.Set("Content-Type", w.FormDataContentType())
	status, resp, _ := h.do(req)
	return status, string(resp), w.Boundary()
}

// testPresignPostForm checks how a form POST's parts are read, as S3
// servers read them (versitygw's rules, which the in-memory store
// follows): field names in any case, the fields a policy allows, which
// part is the file and what it holds.
func testPresignPostForm(t *testing.T, h *harness) {
	ctx := h.ctx()
	b := h.bucket()
	file := formPart{name: "file", filename: "upload.bin", value: "abc"}
	upper := func(parts []formPart) []formPart {
		for i := range parts {
			parts[i].name = strings.ToUpper(parts[i].name)
		}
		return parts
	}
	for i, c := range []struct {
		what   string
		parts  func(fields []formPart) []formPart
		status int
		code   string
		stored string // "" for nothing stored
	}{
		{"the signed fields and the file", func(f []formPart) []formPart { return append(f, file) }, 204, "", "abc"},
		{"field names in upper case", func(f []formPart) []formPart { return upper(append(f, file)) }, 204, "", "abc"},
		{"x-ignore- fields", func(f []formPart) []formPart {
			return append(f, formPart{name: "x-ignore-a", value: "v"}, formPart{name: "X-Ignore-B", value: "v"}, file)
		}, 204, "", "abc"},
		{"a bucket field", func(f []formPart) []formPart { return append(f, formPart{name: "bucket", value: "any"}, file) }, 204, "", "abc"},
		{"a field the policy does not name", func(f []formPart) []formPart { return append(f, formPart{name: "submit", value: "v"}, file) }, 403, "AccessDenied", ""},
		{"a content type field", func(f []formPart) []formPart {
			return append(f, formPart{name: "Content-Type", value: "text/plain"}, file)
		}, 403, "AccessDenied", ""},
		{"a file part of another name with a filename", func(f []formPart) []formPart {
			return append(f, formPart{name: "upload", filename: "u.bin", value: "xyz"})
		}, 204, "", "xyz"},
		{"no file part", func(f []formPart) []formPart { return f }, 400, "InvalidArgument", ""},
	} {
		id := fmt.Sprintf("form-%d.bin", i)
		p, err := h.s.PresignPost(ctx, b, id, 100)
		noErr(t, "PresignPost", err)
		status, resp, _ := h.postParts(p.URL, c.parts(formFields(p)))
		if status != c.status || !strings.Contains(resp, c.code) {
			t.Errorf("POST form with %s: status %d (%.200s), want %d %s", c.what, status, resp, c.status, c.code)
		}
		st, err := h.s.Stat(ctx, b, id)
		if c.stored == "" && err == nil {
			t.Errorf("POST form with %s stored %s, want nothing", c.what, id)
		}
		if c.stored != "" {
			if err != nil {
				t.Errorf("Stat after a POST form with %s = %v, want the object stored", c.what, err)
			} else if got, _ := h.read(ctx, b, id); string(got) != c.stored {
				t.Errorf("Get after a POST form with %s = %q, want %q", c.what, got, c.stored)
			} else if st.ContentType != "binary/octet-stream" {
				t.Errorf("Stat after a POST form with %s: content type %q, want binary/octet-stream", c.what, st.ContentType)
			}
		}
	}

	// The file is every byte after its part's headers up to the form's
	// end: parts after it are file content.
	p, err := h.s.PresignPost(ctx, b, "two-files.bin", 1000)
	noErr(t, "PresignPost", err)
	status, resp, boundary := h.postParts(p.URL, append(formFields(p), file, formPart{name: "file", filename: "second.bin", value: "def"}))
	if status != http.StatusNoContent {
		t.Errorf("POST form with two file parts: status %d (%.200s), want 204", status, resp)
	} else if got, _ := h.read(ctx, b, "two-files.bin"); !bytes.HasPrefix(got, []byte("abc\r\n--"+boundary+"\r\n")) || !bytes.HasSuffix(got, []byte("\r\n\r\ndef")) {
		t.Errorf("Get after a POST form with two file parts = %q, want the first file, the second part's framing and its bytes", got)
	}
	p, err = h.s.PresignPost(ctx, b, "two-files.bin", 10)
	noErr(t, "PresignPost", err)
	if status, resp, _ := h.postParts(p.URL, append(formFields(p), file, formPart{name: "file", filename: "second.bin", value: "def"})); status != http.StatusBadRequest || !strings.Contains(resp, "EntityTooLarge") {
		t.Errorf("POST form with two file parts of 3 bytes under a 10 byte limit: status %d (%.200s), want 400 EntityTooLarge", status, resp)
	}

	// A form that is not multipart/form-data, and one posted to the URL
	// of a missing bucket.
	p, err = h.s.PresignPost(ctx, b, "other.bin", 100)
	noErr(t, "PresignPost", err)
	req := h.request(ctx, http.MethodPost, p.URL, []byte("key=other.bin"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, resp, _ := h.do(req); status != http.StatusPreconditionFailed {
		t.Errorf("POST of a urlencoded form: status %d (%.200s), want 412", status, resp)
	}
	missing := p.URL[:strings.LastIndex(p.URL, b)] + "missing-" + b[:min(len(b), 40)]
	if status, resp, _ := h.postParts(missing, append(formFields(p), file)); status != http.StatusNotFound || !strings.Contains(resp, "NoSuchBucket") {
		t.Errorf("POST form to the URL of a missing bucket: status %d (%.200s), want 404 NoSuchBucket", status, resp)
	}
}
