package s3

import (
	"context"
	"errors"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/objstore"
)

// Driver implements [objstore.Driver] with minio-go: the high-level
// client for buckets, objects and presigning, its Core for the low-level
// multipart calls. Build it with [NewDriver], or get a whole store with
// [New] or [Open].
type Driver struct {
	c    *minio.Client
	core minio.Core
}

var _ objstore.Driver = (*Driver)(nil)

// NewDriver returns a driver over a client the caller built.
func NewDriver(client *minio.Client) (*Driver, error) {
	if client == nil {
		return nil, errors.New("s3: nil minio client")
	}
	return &Driver{c: client, core: minio.Core{Client: client}}, nil
}

// As sets *minio.Client or *minio.Core targets to the driver's client.
func (d *Driver) As(target any) bool {
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

// CreateBucket implements [objstore.Driver].
func (d *Driver) CreateBucket(ctx context.Context, bucket string) error {
	return mapError(d.c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}))
}

// BucketExists implements [objstore.Driver].
func (d *Driver) BucketExists(ctx context.Context, bucket string) (bool, error) {
	ok, err := d.c.BucketExists(ctx, bucket)
	return ok, mapError(err)
}

// DeleteBucket implements [objstore.Driver].
func (d *Driver) DeleteBucket(ctx context.Context, bucket string) error {
	return mapError(d.c.RemoveBucket(ctx, bucket))
}

func info(bucket string, o minio.ObjectInfo) objstore.ObjectInfo {
	meta := make(map[string]string, len(o.UserMetadata))
	for k, v := range o.UserMetadata {
		meta[strings.ToLower(k)] = v
	}
	return objstore.ObjectInfo{Bucket: bucket, ID: o.Key, Size: o.Size, ETag: objstore.TrimETag(o.ETag),
		ContentType: o.ContentType, LastModified: o.LastModified, Metadata: meta}
}

// Stat implements [objstore.Driver] with a HEAD request, which cannot tell a
// missing bucket from a missing object (the store asks BucketExists).
func (d *Driver) Stat(ctx context.Context, bucket, object string) (objstore.ObjectInfo, error) {
	o, err := d.c.StatObject(ctx, bucket, object, minio.StatObjectOptions{})
	if err != nil {
		return objstore.ObjectInfo{}, mapError(err)
	}
	return info(bucket, o), nil
}

// List implements [objstore.Driver] with ListObjectsV2.
func (d *Driver) List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		lctx, cancel := context.WithCancel(ctx)
		defer cancel() // stops the listing when the loop breaks
		for o := range d.c.ListObjectsIter(lctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
			if o.Err != nil {
				if ctx.Err() != nil {
					yield("", ctx.Err())
					return
				}
				yield("", mapError(o.Err))
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

// Copy implements [objstore.Driver] with a server-side CopyObject, which
// keeps content type and metadata. S3 has no conditional copy (If-None-Match
// applies to the source only), so "destination must not exist" stays the
// store's check before the copy. A single CopyObject copies at most 5 GiB.
func (d *Driver) Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, _ bool) error {
	_, err := d.core.CopyObject(ctx, srcBucket, srcObject, dstBucket, dstObject, nil,
		minio.CopySrcOptions{}, minio.PutObjectOptions{})
	return mapError(err)
}

// Delete implements [objstore.Driver].
func (d *Driver) Delete(ctx context.Context, bucket, object string) error {
	return mapError(d.c.RemoveObject(ctx, bucket, object, minio.RemoveObjectOptions{}))
}

func putOptions(w objstore.WriteInfo) minio.PutObjectOptions {
	o := minio.PutObjectOptions{ContentType: w.ContentType, UserMetadata: w.Metadata}
	if w.IfAbsent {
		o.SetMatchETagExcept("*") // If-None-Match: *
	}
	return o
}

// Put implements [objstore.Driver] with one PutObject; with IfAbsent it
// sends If-None-Match: *, so the server refuses an existing object
// atomically.
func (d *Driver) Put(ctx context.Context, bucket, object string, r io.Reader, size int64, w objstore.WriteInfo) (string, error) {
	ui, err := d.core.PutObject(ctx, bucket, object, r, size, "", "", putOptions(w))
	if err != nil {
		return "", mapError(err)
	}
	return ui.ETag, nil
}

// Get implements [objstore.Driver] with one GetObject (no HEAD).
func (d *Driver) Get(ctx context.Context, bucket, object string, offset, length int64) (io.ReadCloser, objstore.ObjectInfo, error) {
	var opts minio.GetObjectOptions
	switch {
	case length > 0:
		_ = opts.SetRange(offset, offset+length-1)
	case offset > 0:
		_ = opts.SetRange(offset, 0)
	}
	rc, o, h, err := d.core.GetObject(ctx, bucket, object, opts)
	if err != nil {
		return nil, objstore.ObjectInfo{}, mapError(err)
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
	return rc, oi, nil
}

// Presign implements [objstore.Driver] with SigV4 query signing, offline
// when the client knows its region. A required Content-MD5 is a signed
// header.
func (d *Driver) Presign(ctx context.Context, req objstore.PresignRequest) (string, error) {
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
		return "", mapError(err)
	}
	return u.String(), nil
}

// PresignPost implements [objstore.Driver] with a POST policy that fixes
// bucket and key and limits the size with content-length-range.
func (d *Driver) PresignPost(ctx context.Context, bucket, object string, maxSize int64, expiry time.Duration) (objstore.PresignedPost, error) {
	p := minio.NewPostPolicy()
	for _, err := range []error{p.SetBucket(bucket), p.SetKey(object), p.SetExpires(time.Now().UTC().Add(expiry)),
		p.SetContentLengthRange(0, maxSize)} {
		if err != nil {
			return objstore.PresignedPost{}, mapError(err)
		}
	}
	u, fields, err := d.c.PresignedPostPolicy(ctx, p)
	if err != nil {
		return objstore.PresignedPost{}, mapError(err)
	}
	return objstore.PresignedPost{URL: u.String(), Fields: fields}, nil
}

// InitUpload implements [objstore.Driver].
func (d *Driver) InitUpload(ctx context.Context, bucket, object string, w objstore.WriteInfo) (string, error) {
	w.IfAbsent = false // S3 checks If-None-Match when completing, not here
	id, err := d.core.NewMultipartUpload(ctx, bucket, object, putOptions(w))
	return id, mapError(err)
}
