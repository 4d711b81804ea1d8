package memdriver

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// ServeHTTP serves the Driver's presigned URLs like an S3 server would:
// GET downloads an object (conditional headers as in readCondition, then
// one Range), PUT uploads an object or a part (answering its ETag; 411
// without a Content-Length, an object's conditions as in putCondition),
// POST uploads a form within its policy (204 on success, 400
// EntityTooLarge over the size limit). A missing, tampered or expired
// signature, another method than the one signed, a query parameter that
// was not signed (added or repeated) and an x-amz-* header that was not
// signed are 403; errors carry an S3-style XML body.
func (f *Driver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	b, id, _ := strings.Cut(path, "/")
	switch r.Method {
	case http.MethodPost:
		if id != "" {
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "POST goes to the bucket URL")
			return
		}
		f.servePost(w, r, b)
	default:
		if id == "" {
			writeError(w, http.StatusForbidden, "AccessDenied", "not a presigned object URL")
			return
		}
		f.serveObject(w, r, b, id)
	}
}

// unsignedParam returns a query parameter of q that the Driver's URLs do
// not sign, or one given more than once: S3 signs the whole query, so it
// refuses a URL with a parameter added (response-content-type, versionId,
// anything else).
func unsignedParam(q url.Values) string {
	for name, v := range q {
		switch name {
		case paramExpires, paramSignedHeaders, paramSignature, paramUploadID, paramPartNumber:
			if len(v) == 1 {
				continue
			}
		}
		return name
	}
	return ""
}

// unsignedAmzHeader returns an x-amz-* header of r: the URLs sign none, and
// S3 refuses a request with a header its signature does not cover.
func unsignedAmzHeader(r *http.Request) string {
	for name := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-") {
			return name
		}
	}
	return ""
}

type xmlError struct {
	XMLName xml.Name `xml:"Error"`
	Code    string
	Message string
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_ = xml.NewEncoder(w).Encode(xmlError{Code: code, Message: msg})
}

// writeStoreError answers err as S3 would.
func writeStoreError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, driver.ErrBucketNotFound):
		writeError(w, http.StatusNotFound, "NoSuchBucket", err.Error())
	case errors.Is(err, driver.ErrObjectNotFound):
		writeError(w, http.StatusNotFound, "NoSuchKey", err.Error())
	case errors.Is(err, driver.ErrUploadNotFound):
		writeError(w, http.StatusNotFound, "NoSuchUpload", err.Error())
	case errors.Is(err, driver.ErrChecksumMismatch):
		writeError(w, http.StatusBadRequest, "BadDigest", err.Error())
	case errors.Is(err, driver.ErrInvalidArgument):
		writeError(w, http.StatusBadRequest, "InvalidArgument", err.Error())
	default:
		writeError(w, http.StatusInternalServerError, "InternalError", err.Error())
	}
}

// expired reports whether the deadline unix (Unix seconds) has passed:
// S3 accepts a request up to the deadline itself, not through the rest of
// its second.
func (f *Driver) expired(unix string) bool {
	t, err := strconv.ParseInt(unix, 10, 64)
	return err != nil || f.now().After(time.Unix(t, 0))
}

func (f *Driver) serveObject(w http.ResponseWriter, r *http.Request, b, id string) {
	q := r.URL.Query()
	uid, part := q.Get(paramUploadID), q.Get(paramPartNumber)
	contentMD5 := ""
	if q.Get(paramSignedHeaders) == "content-md5" {
		contentMD5 = r.Header.Get("Content-MD5")
	}
	if p := unsignedParam(q); p != "" {
		writeError(w, http.StatusForbidden, "SignatureDoesNotMatch", "the query parameter "+p+" is not signed")
		return
	}
	expires := q.Get(paramExpires)
	if !f.checkSignature(q.Get(paramSignature), r.Method, b, id, uid, part, contentMD5, expires) {
		writeError(w, http.StatusForbidden, "SignatureDoesNotMatch", "the request signature does not match")
		return
	}
	if f.expired(expires) {
		writeError(w, http.StatusForbidden, "AccessDenied", "request has expired")
		return
	}
	if h := unsignedAmzHeader(r); h != "" {
		writeError(w, http.StatusForbidden, "AccessDenied", "There were headers present in the request which were not signed: "+h)
		return
	}
	ctx := r.Context()
	if r.Method == http.MethodGet {
		data, info, mod, err := f.snapshot(b, id)
		if err != nil {
			writeStoreError(w, err)
			return
		}
		// Conditional headers (304, 412), then ranges (206, 416), as S3
		// answers them: ServeContent serves the range S3 honours, once
		// the request holds no Range S3 would ignore and no condition.
		if status := readCondition(r.Header, info.ETag, mod, f.now()); status != 0 {
			writeCondition(w, status)
			return
		}
		for _, h := range conditionalHeaders {
			r.Header.Del(h)
		}
		switch first, last, ok, unsatisfiable := s3Range(r.Header.Get("Range"), int64(len(data))); {
		case unsatisfiable:
			writeError(w, http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
			return
		case ok:
			r.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", first, last))
		default:
			r.Header.Del("Range")
		}
		w.Header().Set("ETag", `"`+info.ETag+`"`)
		w.Header().Set("Content-Type", info.ContentType)
		http.ServeContent(w, r, "", info.LastModified, bytes.NewReader(data))
		return
	}
	if r.Header.Get("Content-Length") == "" {
		writeError(w, http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
		return
	}
	data, err := readAll(ctx, r.Body, -1)
	if err != nil {
		writeStoreError(w, err)
		return
	}
	if h := r.Header.Get("Content-MD5"); h != "" {
		if sum, derr := base64.StdEncoding.DecodeString(h); derr != nil || len(sum) != md5.Size {
			writeError(w, http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.")
			return
		}
		contentMD5 = h
	}
	var etag string
	if uid != "" {
		n, perr := strconv.Atoi(part)
		if perr != nil {
			writeError(w, http.StatusBadRequest, "InvalidArgument", "bad partNumber")
			return
		}
		etag, err = f.putPart(b, id, uid, n, data, contentMD5)
	} else {
		if contentMD5 != "" && contentMD5 != b64sum(data) {
			writeStoreError(w, fmt.Errorf("%w: Content-MD5 does not match the body", driver.ErrChecksumMismatch))
			return
		}
		ctype := r.Header.Get("Content-Type")
		if ctype == "" {
			ctype = UploadContentType
		}
		var status int
		var code string
		etag, status, code, err = f.putIf(ctx, b, id, data, ctype, r.Header)
		if status != 0 {
			writeError(w, status, code, conditionMessages[code])
			return
		}
	}
	if err != nil {
		writeStoreError(w, err)
		return
	}
	w.Header().Set("ETag", `"`+etag+`"`)
	w.WriteHeader(http.StatusOK)
}

// UploadContentType is the content type S3 stores for an upload through
// a presigned URL without a Content-Type header and for every form upload
// (a form's policy allows no content type field, and S3 ignores the
// file part's own header).
const UploadContentType = "binary/octet-stream"

// s3Range reads a Range header as S3 servers do (versitygw's rules, which
// follow AWS): one range "bytes=first-last", "bytes=first-" or
// "bytes=-suffix" is honoured (ok: bytes first to last of an object of
// size bytes, clamped to its end); a range that starts at or beyond the
// end, and "bytes=-0", is unsatisfiable (416); anything else (another
// unit, several ranges, last before first, a suffix of an empty object,
// text that is not a number) is ignored, and the whole object is served.
func s3Range(h string, size int64) (first, last int64, ok, unsatisfiable bool) {
	unit, spec, found := strings.Cut(h, "=")
	if !found || unit != "bytes" || strings.Contains(spec, "=") {
		return 0, 0, false, false
	}
	a, b, found := strings.Cut(spec, "-")
	if !found || strings.Contains(b, "-") || a == "" && b == "" {
		return 0, 0, false, false
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil && a != "" {
		return 0, 0, false, false
	}
	if b == "" { // first-
		if start >= size {
			return 0, 0, false, true
		}
		return start, size - 1, true, false
	}
	end, err := strconv.ParseInt(b, 10, 64)
	switch {
	case err != nil:
		return 0, 0, false, false
	case a == "": // -suffix
		if end == 0 {
			return 0, 0, false, true
		}
		if size == 0 {
			return 0, 0, false, false
		}
		return size - min(end, size), size - 1, true, false
	case start > end:
		return 0, 0, false, false
	case start >= size:
		return 0, 0, false, true
	}
	return start, min(end, size-1), true, false
}

func b64sum(data []byte) string {
	s := md5hexBytes(data)
	return b64(s)
}

// MaxPostFields is the most bytes the fields of a form POST before the
// file may have, names and values together (S3's limit). The handler reads
// no more than about twice this (with the form's framing) before it
// refuses a form with 400 MaxPostPreDataLengthExceeded, and buffers no
// more than this: the signature can only be checked once every field is
// read, so this bounds what an unauthenticated request costs.
const MaxPostFields = 20 << 10

// preDataReader reads a form's body and fails once more than limit bytes
// come before the file (open false): it bounds the multipart reader's
// buffering of part headers too.
type preDataReader struct {
	r        io.Reader
	left     int64
	open     bool
	exceeded bool
}

var errPreData = errors.New("form fields too large")

func (p *preDataReader) Read(b []byte) (int, error) {
	if p.open {
		return p.r.Read(b)
	}
	if p.left <= 0 {
		p.exceeded = true
		return 0, errPreData
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n, err := p.r.Read(b)
	p.left -= int64(n)
	return n, err
}

func (f *Driver) servePost(w http.ResponseWriter, r *http.Request, b string) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil || mt != "multipart/form-data":
		writeError(w, http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.")
		return
	case params["boundary"] == "":
		writeError(w, http.StatusBadRequest, "MalformedPOSTRequest", malformedPOST)
		return
	}
	body := &preDataReader{r: r.Body, left: 2 * MaxPostFields}
	form := newFormParser(body, params["boundary"])
	fields := map[string]string{}
	size := 0
	err = form.fields(func(name, value string) error {
		if size += len(name) + len(value); size > MaxPostFields {
			return errPreData
		}
		fields[name] = value
		return nil
	})
	switch {
	case body.exceeded || errors.Is(err, errPreData):
		writeError(w, http.StatusBadRequest, "MaxPostPreDataLengthExceeded",
			fmt.Sprintf("Your POST request fields preceding the upload file were too large (over %d bytes).", MaxPostFields))
		return
	case errors.Is(err, errNoFile):
		writeError(w, http.StatusBadRequest, "InvalidArgument", "POST requires exactly one file upload per request.")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "MalformedPOSTRequest", malformedPOST)
		return
	}
	body.open = true
	pol, ok := f.checkPolicy(r.Context(), w, b, fields)
	if !ok {
		return
	}
	data, tooLarge, err := form.file(pol.MaxSize)
	switch {
	case tooLarge:
		writeError(w, http.StatusBadRequest, "EntityTooLarge", fmt.Sprintf("the file exceeds the maximum of %d bytes", pol.MaxSize))
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "MalformedPOSTRequest", malformedPOST)
		return
	}
	if _, err := f.Put(r.Context(), b, pol.Key, bytes.NewReader(data), int64(len(data)), driver.WriteInfo{ContentType: UploadContentType}); err != nil {
		writeStoreError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// malformedPOST is S3's message for a form it cannot parse.
const malformedPOST = "The body of your POST request is not well-formed multipart/form-data."

func (f *Driver) checkPolicy(ctx context.Context, w http.ResponseWriter, b string, fields map[string]string) (postPolicy, bool) {
	var pol postPolicy
	if !f.checkSignature(fields[fieldSignature], "POST", fields[fieldPolicy]) {
		writeError(w, http.StatusForbidden, "SignatureDoesNotMatch", "the policy signature does not match")
		return pol, false
	}
	raw, err := base64.StdEncoding.DecodeString(fields[fieldPolicy])
	if err == nil {
		err = json.Unmarshal(raw, &pol)
	}
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, "MalformedPOSTRequest", "bad policy")
	case f.now().After(time.Unix(pol.Expires, 0)):
		writeError(w, http.StatusForbidden, "AccessDenied", "policy has expired")
	case pol.Bucket != b && !f.bucketExists(ctx, b):
		writeStoreError(w, notFoundBucket(b))
	case pol.Bucket != b || pol.Key != fields[fieldKey]:
		writeError(w, http.StatusForbidden, "AccessDenied", "policy does not allow this bucket or key")
	case extraField(fields) != "":
		writeError(w, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Extra input fields: "+extraField(fields))
	default:
		return pol, true
	}
	return pol, false
}

// extraField returns a form field (its name in lower case) the policy does
// not allow, as S3 refuses any field its policy has no condition for (a
// content type, metadata). The policy has a condition for the bucket,
// which S3 checks against the URL's bucket, so a bucket field of any value
// passes.
func extraField(fields map[string]string) string {
	for name := range fields {
		switch n := name; {
		case n == fieldKey, n == fieldPolicy, n == fieldSignature, n == "bucket", strings.HasPrefix(n, "x-ignore-"):
		default:
			return n
		}
	}
	return ""
}

// bucketExists reports whether bucket b exists (false too when ctx is
// done).
func (f *Driver) bucketExists(ctx context.Context, b string) bool {
	ok, err := f.BucketExists(ctx, b)
	return ok && err == nil
}
