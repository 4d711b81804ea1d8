package s3

import (
	"context"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// backend implements [driver.Store] with minio-go: the high-level client
// for buckets, objects and presigning, its Core for the low-level multipart
// calls.
type backend struct {
	c    *minio.Client
	core minio.Core
	// owned is the transport Open built, whose idle connections Close
	// closes; nil for a client the caller gave to New.
	owned *http.Transport
}

var _ driver.Store = (*backend)(nil)

// As sets *minio.Client or *minio.Core targets to the driver's client.
func (d *backend) As(target any) bool {
	switch t := target.(type) {
	case **minio.Client:
		*t = d.c
	case **minio.Core:
		core := d.core
		*t = &core
	default:
		return false
	}
	return true
}

// Close closes the idle connections of a client Open built; a client given
// to New stays as it is.
func (d *backend) Close() error {
	if d.owned != nil {
		d.owned.CloseIdleConnections()
	}
	return nil
}

// CreateBucket implements [driver.Store].
func (d *backend) CreateBucket(ctx context.Context, bucket string) error {
	return mapError(ctx, d.c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}))
}

// BucketExists implements [driver.Store] with a HEAD request. A 404
// answer to a HEAD has no body, so it cannot tell a missing bucket from an
// access key the server does not know (versitygw answers 404
// XAdminUserNotFound): a missing bucket is confirmed with a listing of one
// key, whose answer carries the error code.
func (d *backend) BucketExists(ctx context.Context, bucket string) (bool, error) {
	ok, err := d.c.BucketExists(ctx, bucket)
	if ok || err != nil {
		return ok, mapError(ctx, err)
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the listing after its first answer
	for o := range d.c.ListObjectsIter(lctx, bucket, minio.ListObjectsOptions{MaxKeys: 1}) {
		if o.Err == nil {
			return true, nil // created since the HEAD
		}
		if minio.ToErrorResponse(o.Err).Code == minio.NoSuchBucket {
			return false, nil
		}
		return false, mapError(ctx, o.Err)
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return true, nil // an empty bucket, created since the HEAD
}

// DeleteBucket implements [driver.Store].
func (d *backend) DeleteBucket(ctx context.Context, bucket string) error {
	return mapError(ctx, d.c.RemoveBucket(ctx, bucket))
}

func info(bucket string, o minio.ObjectInfo) driver.ObjectInfo {
	meta := make(map[string]string, len(o.UserMetadata))
	for k, v := range o.UserMetadata {
		meta[strings.ToLower(k)] = v
	}
	return driver.ObjectInfo{Bucket: bucket, ID: o.Key, Size: o.Size, ETag: driver.TrimETag(o.ETag),
		ContentType: o.ContentType, LastModified: o.LastModified, Metadata: meta}
}

// Stat implements [driver.Store] with a HEAD request, which cannot tell a
// missing bucket from a missing object (the store asks BucketExists).
func (d *backend) Stat(ctx context.Context, bucket, object string) (driver.ObjectInfo, error) {
	o, err := d.c.StatObject(ctx, bucket, object, minio.StatObjectOptions{})
	if err != nil {
		return driver.ObjectInfo{}, mapError(ctx, err)
	}
	return info(bucket, o), nil
}

// List implements [driver.Store] with ListObjectsV2.
func (d *backend) List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		lctx, cancel := context.WithCancel(ctx)
		defer cancel() // stops the listing when the loop breaks
		for o := range d.c.ListObjectsIter(lctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if o.Err != nil {
				if ctx.Err() != nil {
					yield("", ctx.Err())
					return
				}
				yield("", mapError(ctx, o.Err))
				return
			}
			if !yield(o.Key, nil) {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield("", err)
		}
	}
}

// Copy implements [driver.Store] with a server-side CopyObject, which
// keeps content type and metadata. S3 has no conditional copy (If-None-Match
// applies to the source only), so "destination must not exist" stays the
// store's check before the copy. A single CopyObject copies at most 5 GiB.
func (d *backend) Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, _ bool) error {
	_, err := d.core.CopyObject(ctx, srcBucket, srcObject, dstBucket, dstObject, nil,
		minio.CopySrcOptions{}, minio.PutObjectOptions{})
	return mapError(ctx, err)
}

// Delete implements [driver.Store].
func (d *backend) Delete(ctx context.Context, bucket, object string) error {
	return mapError(ctx, d.c.RemoveObject(ctx, bucket, object, minio.RemoveObjectOptions{}))
}

func putOptions(w driver.WriteInfo) minio.PutObjectOptions {
	o := minio.PutObjectOptions{ContentType: w.ContentType, UserMetadata: w.Metadata}
	if w.IfAbsent {
		o.SetMatchETagExcept("*") // If-None-Match: *
	}
	return o
}

// Put implements [driver.Store] with one PutObject; with IfAbsent it
// sends If-None-Match: *, so the server refuses an existing object
// atomically.
func (d *backend) Put(ctx context.Context, bucket, object string, r io.Reader, size int64, w driver.WriteInfo) (string, error) {
	ui, err := d.core.PutObject(ctx, bucket, object, r, size, "", "", putOptions(w))
	if err != nil {
		return "", mapError(ctx, err)
	}
	return ui.ETag, nil
}

// Get implements [driver.Store] with one GetObject (no HEAD).
func (d *backend) Get(ctx context.Context, bucket, object string, offset, length int64) (io.ReadCloser, driver.ObjectInfo, error) {
	var opts minio.GetObjectOptions
	switch {
	case length > 0:
		_ = opts.SetRange(offset, offset+length-1)
	case offset > 0:
		_ = opts.SetRange(offset, 0)
	}
	rc, o, h, err := d.core.GetObject(ctx, bucket, object, opts)
	if err != nil {
		return nil, driver.ObjectInfo{}, mapError(ctx, err)
	}
	oi := info(bucket, o)
	oi.ID = object
	if cr := h.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				oi.Size = n
			}
		}
	}
	return mappedReader{rc, ctx}, oi, nil
}

// Presign implements [driver.Store] with SigV4 query signing, offline
// when the client knows its region. A required Content-MD5 is a signed
// header.
func (d *backend) Presign(ctx context.Context, req driver.PresignRequest) (string, error) {
	var (
		u   *url.URL
		err error
	)
	switch {
	case req.Method == http.MethodGet:
		u, err = d.c.PresignedGetObject(ctx, req.Bucket, req.Object, req.Expiry, nil)
	case req.UploadID == "" && req.ContentMD5 == "":
		u, err = d.c.PresignedPutObject(ctx, req.Bucket, req.Object, req.Expiry)
	default:
		q := url.Values{}
		if req.UploadID != "" {
			q.Set("partNumber", strconv.Itoa(req.PartNumber))
			q.Set("uploadId", req.UploadID)
		}
		var h http.Header
		if req.ContentMD5 != "" {
			h = http.Header{"Content-Md5": {req.ContentMD5}}
		}
		u, err = d.c.PresignHeader(ctx, http.MethodPut, req.Bucket, req.Object, req.Expiry, q, h)
	}
	if err != nil {
		return "", mapError(ctx, err)
	}
	return u.String(), nil
}

// PresignPost implements [driver.Store] with a POST policy that fixes
// bucket and key, limits the size with content-length-range and expires
// expiry after the start of the current second.
func (d *backend) PresignPost(ctx context.Context, bucket, object string, maxSize int64, expiry time.Duration) (driver.PresignedPost, error) {
	p := minio.NewPostPolicy()
	// From the start of the second, as a presigned URL's X-Amz-Date.
	start := time.Now().UTC().Truncate(time.Second)
	for _, err := range []error{p.SetBucket(bucket), p.SetKey(object), p.SetExpires(start.Add(expiry)),
		p.SetContentLengthRange(0, maxSize)} {
		if err != nil {
			return driver.PresignedPost{}, mapError(ctx, err)
		}
	}
	u, fields, err := d.c.PresignedPostPolicy(ctx, p)
	if err != nil {
		return driver.PresignedPost{}, mapError(ctx, err)
	}
	return driver.PresignedPost{URL: u.String(), Fields: fields}, nil
}

// InitUpload implements [driver.Store].
func (d *backend) InitUpload(ctx context.Context, bucket, object string, w driver.WriteInfo) (string, error) {
	w.IfAbsent = false // S3 checks If-None-Match when completing, not here
	id, err := d.core.NewMultipartUpload(ctx, bucket, object, putOptions(w))
	return id, mapError(ctx, err)
}
