package memdriver

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// Query parameters and form fields of presigned requests.
const (
	paramExpires       = "X-Hexkit-Expires"
	paramSignedHeaders = "X-Hexkit-SignedHeaders"
	paramSignature     = "X-Hexkit-Signature"
	paramUploadID      = "uploadId"
	paramPartNumber    = "partNumber"
	fieldPolicy        = "policy"
	fieldSignature     = "x-hexkit-signature"
	fieldKey           = "key"
	fieldFile          = "file"
)

// postPolicy is what a presigned POST allows, signed as JSON.
type postPolicy struct {
	Bucket  string `json:"bucket"`
	Key     string `json:"key"`
	MaxSize int64  `json:"max_size"`
	Expires int64  `json:"expires"`
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// sign returns the HMAC of parts in a canonical encoding: each part is its
// length in decimal, a colon, then its bytes. No two lists of parts encode
// the same (a separator between parts would let a part that holds the
// separator stand for two parts, and a request for another object carry
// the signature).
func (f *Driver) sign(parts ...string) string {
	m := hmac.New(sha256.New, f.key)
	var num [24]byte
	for _, p := range parts {
		m.Write(append(strconv.AppendInt(num[:0], int64(len(p)), 10), ':'))
		m.Write([]byte(p))
	}
	return hex.EncodeToString(m.Sum(nil))
}

func (f *Driver) checkSignature(got string, parts ...string) bool {
	want := f.sign(parts...)
	return hmac.Equal([]byte(got), []byte(want))
}

func (f *Driver) baseURL() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.base
}

func objectPath(base, b, id string) string {
	return base + "/" + url.PathEscape(b) + "/" + url.PathEscape(id)
}

// deadline is when a URL or form presigned now for expiry stops working:
// expiry after the start of the current second, as SigV4 counts from its
// X-Amz-Date, which has whole seconds.
func (f *Driver) deadline(expiry time.Duration) time.Time {
	return f.now().Truncate(time.Second).Add(expiry)
}

// Presign implements [driver.Store]: the URL carries its expiry and an
// HMAC-SHA256 signature over the method, bucket, object, upload, part,
// Content-MD5 (when required) and expiry, each length-prefixed (see sign),
// made with the Driver's key.
func (f *Driver) Presign(ctx context.Context, req driver.PresignRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	expires := strconv.FormatInt(f.deadline(req.Expiry).Unix(), 10)
	q := url.Values{paramExpires: {expires}}
	part := ""
	if req.UploadID != "" {
		part = strconv.Itoa(req.PartNumber)
		q.Set(paramUploadID, req.UploadID)
		q.Set(paramPartNumber, part)
	}
	if req.ContentMD5 != "" {
		q.Set(paramSignedHeaders, "content-md5")
	}
	q.Set(paramSignature, f.sign(req.Method, req.Bucket, req.Object, req.UploadID, part, req.ContentMD5, expires))
	return objectPath(f.baseURL(), req.Bucket, req.Object) + "?" + q.Encode(), nil
}

// PresignPost implements [driver.Store]: the form carries the object
// key, a policy (bucket, key, maximum size, expiry) and its signature.
func (f *Driver) PresignPost(ctx context.Context, b, id string, maxSize int64, expiry time.Duration) (driver.PresignedPost, error) {
	if err := ctx.Err(); err != nil {
		return driver.PresignedPost{}, err
	}
	p, err := json.Marshal(postPolicy{Bucket: b, Key: id, MaxSize: maxSize, Expires: f.deadline(expiry).Unix()})
	if err != nil {
		return driver.PresignedPost{}, err
	}
	policy := b64(p)
	return driver.PresignedPost{
		URL:    f.baseURL() + "/" + url.PathEscape(b),
		Fields: map[string]string{fieldKey: id, fieldPolicy: policy, fieldSignature: f.sign("POST", policy)},
	}, nil
}
