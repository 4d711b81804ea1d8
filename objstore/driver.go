package objstore

import (
	"context"
	"io"
	"iter"
	"time"
)

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Bucket       string
	ID           string
	Size         int64  // the whole object's size, also for ranged reads
	ETag         string // without quotes; "<md5 hex>" or "<hex>-<parts>" for multipart objects
	ContentType  string
	LastModified time.Time
	// Metadata holds the user metadata, keys in lower case.
	Metadata map[string]string
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number int
	Size   int64
	ETag   string // without quotes
}

// Upload is an active multipart upload.
type Upload struct {
	Bucket    string
	Object    string
	ID        string
	Initiated time.Time
}

// PresignedPost is a presigned form upload: a client sends a
// multipart/form-data POST to URL with every field of Fields, then a field
// named "file" carrying the bytes, last.
type PresignedPost struct {
	URL    string
	Fields map[string]string
}

// WriteInfo is what a write sends along with the bytes.
type WriteInfo struct {
	ContentType string
	Metadata    map[string]string // keys in lower case
	// IfAbsent asks the driver to refuse the write with [ErrObjectExists]
	// when the object exists, atomically where the backend can.
	IfAbsent bool
}

// PresignRequest describes a URL to presign.
type PresignRequest struct {
	Method     string // http.MethodGet or http.MethodPut
	Bucket     string
	Object     string
	UploadID   string // with PartNumber: a part upload
	PartNumber int
	ContentMD5 string // base64; when set the request must carry it as Content-MD5
	Expiry     time.Duration
}

// Driver is the small interface a provider implements; [Store] adds id
// validation, option handling, the multipart checks, streaming and checksum
// verification on top. Drivers receive validated ids and arguments and
// return errors that match this package's sentinels; context errors pass
// through unwrapped. All methods must be safe for concurrent use.
type Driver interface {
	CreateBucket(ctx context.Context, bucket string) error
	BucketExists(ctx context.Context, bucket string) (bool, error)
	// DeleteBucket deletes an empty bucket.
	DeleteBucket(ctx context.Context, bucket string) error

	// Stat may report a missing bucket as ErrObjectNotFound; Store then
	// asks BucketExists.
	Stat(ctx context.Context, bucket, object string) (ObjectInfo, error)
	// List yields the ids of the bucket's objects that start with prefix,
	// in lexical order, fetching pages as the loop asks; an error ends it.
	List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error]
	// Copy copies an object; unless overwrite it must not replace an existing
	// destination (Store checks first; drivers that can, refuse atomically).
	Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, overwrite bool) error
	// Delete deletes an object; a missing object is not an error.
	Delete(ctx context.Context, bucket, object string) error

	// Put stores size bytes of r (size >= 0) as one object and returns its
	// ETag.
	Put(ctx context.Context, bucket, object string, r io.Reader, size int64, info WriteInfo) (etag string, err error)
	// Get reads length bytes from offset (length -1: to the end).
	Get(ctx context.Context, bucket, object string, offset, length int64) (io.ReadCloser, ObjectInfo, error)

	Presign(ctx context.Context, req PresignRequest) (string, error)
	PresignPost(ctx context.Context, bucket, object string, maxSize int64, expiry time.Duration) (PresignedPost, error)

	InitUpload(ctx context.Context, bucket, object string, info WriteInfo) (uploadID string, err error)
	UploadPart(ctx context.Context, bucket, object, uploadID string, number int, r io.Reader, size int64, contentMD5 string) (etag string, err error)
	ListParts(ctx context.Context, bucket, object, uploadID string) ([]Part, error)
	// ListUploads lists the active uploads of object, or of the whole
	// bucket when object is "".
	ListUploads(ctx context.Context, bucket, object string) ([]Upload, error)
	CompleteUpload(ctx context.Context, bucket, object, uploadID string, parts []Part, info WriteInfo) (etag string, err error)
	AbortUpload(ctx context.Context, bucket, object, uploadID string) error

	// As reports whether the driver can set target (a pointer) to its
	// native client, and sets it.
	As(target any) bool
}
