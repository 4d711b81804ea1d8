package driver

import (
	"context"
	"io"
	"iter"
	"time"
)

// ObjectInfo describes a stored object. Its fields are those of
// objstore.ObjectInfo, which converts from it without copying.
type ObjectInfo struct {
	Bucket       string
	ID           string
	Size         int64 // the whole object's size, also for ranged reads
	ETag         string
	ContentType  string
	LastModified time.Time // whole seconds, as S3 reports it
	Metadata     map[string]string
}

// Part is one uploaded part of a multipart upload, as objstore.Part.
type Part struct {
	Number int
	Size   int64
	ETag   string
}

// Upload is an active multipart upload, as objstore.Upload.
type Upload struct {
	Bucket    string
	Object    string
	ID        string
	Initiated time.Time
}

// PresignedPost is a presigned form upload, as objstore.PresignedPost.
type PresignedPost struct {
	URL    string
	Fields map[string]string
}

// WriteInfo is what a write sends along with the bytes.
type WriteInfo struct {
	// ContentType is the content type; "" leaves the backend's default
	// (application/octet-stream).
	ContentType string
	// Metadata is the user metadata, keys in lower case, already checked
	// by the portable layer (keys are HTTP tokens outside the x-amz- and
	// x-minio- headers and the object headers; values UTF-8 without
	// control characters, white space but the ASCII space, edge spaces or
	// a leading "=?"; at most 2000 bytes in all).
	Metadata map[string]string
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

// Store is what a provider implements. The portable layer (objstore.New)
// calls it with ids that passed the store's id rules and arguments within
// the documented bounds, so a driver checks nothing the portable layer
// checks; it translates and maps errors.
//
// Every method is safe for concurrent use, returns context errors
// unwrapped, and wraps every refusal of its backend in one of this
// package's sentinels. The methods document what else they must do.
type Store interface {
	// CreateBucket creates a bucket: ErrBucketExists when it exists.
	CreateBucket(ctx context.Context, bucket string) error
	// BucketExists reports whether the bucket exists.
	BucketExists(ctx context.Context, bucket string) (bool, error)
	// DeleteBucket deletes a bucket: ErrBucketNotFound when missing,
	// ErrBucketNotEmpty when it holds objects. The portable layer has
	// already refused a bucket with active uploads.
	DeleteBucket(ctx context.Context, bucket string) error

	// Stat describes an object: ErrObjectNotFound when missing. It may
	// report a missing bucket as ErrObjectNotFound too; the portable layer
	// then asks BucketExists. Metadata keys come back in lower case.
	Stat(ctx context.Context, bucket, object string) (ObjectInfo, error)
	// List yields the ids of the bucket's objects that start with prefix
	// (valid UTF-8 of at most 1024 bytes: the portable layer refuses
	// others), in lexical order, fetching pages as the loop asks; an error
	// (ErrBucketNotFound for a missing bucket) ends it.
	List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error]
	// Copy copies an object with its content type and metadata into one
	// part (the copy's ETag is the MD5 of its bytes); source and
	// destination differ. Unless overwrite it must not replace an existing
	// destination: the portable layer checks first, and drivers that can
	// refuse with ErrObjectExists atomically. A missing source or bucket is
	// ErrObjectNotFound or ErrBucketNotFound.
	Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, overwrite bool) error
	// Delete deletes an object; a missing object is not an error, a
	// missing bucket is ErrBucketNotFound.
	Delete(ctx context.Context, bucket, object string) error

	// Put stores exactly size bytes of r (0 <= size <= MaxPartSize) as one
	// object and returns its ETag (the hex MD5 of the bytes, with or
	// without quotes). If r is an io.Seeker the driver may rewind it to
	// its start to retry. ErrBucketNotFound when the bucket is missing.
	Put(ctx context.Context, bucket, object string, r io.Reader, size int64, info WriteInfo) (etag string, err error)
	// Get reads length bytes from offset (length -1: to the end; offset 0
	// and length -1: the whole object, also when empty). The ObjectInfo
	// has the whole object's size. A range that starts at or beyond the
	// end of the object is ErrInvalidArgument. The reader stops with the
	// context's error once ctx is done; its other errors but io.EOF are
	// mapped like the driver's (a connection lost mid-stream wraps
	// ErrUnavailable).
	Get(ctx context.Context, bucket, object string, offset, length int64) (io.ReadCloser, ObjectInfo, error)

	// Presign returns a URL for a plain GET or PUT (of an object or a
	// part) that the backend accepts until Expiry (whole seconds, 1 second
	// to 7 days) has passed since the start of the current second, as
	// SigV4 counts. It should not contact the server.
	Presign(ctx context.Context, req PresignRequest) (string, error)
	// PresignPost returns a form upload of at most maxSize bytes (1 to
	// MaxPartSize) to bucket/object, valid for expiry (whole seconds)
	// counted from the start of the current second, as Presign.
	PresignPost(ctx context.Context, bucket, object string, maxSize int64, expiry time.Duration) (PresignedPost, error)

	// InitUpload starts a multipart upload and returns its id. info.IfAbsent
	// is false here (it applies when completing). The portable layer has
	// already checked that the object has no active upload.
	InitUpload(ctx context.Context, bucket, object string, info WriteInfo) (uploadID string, err error)
	// UploadPart stores part number (1 to MaxParts) of size bytes (0 to
	// MaxPartSize) and returns its ETag; a non-empty contentMD5 (base64)
	// must match the body, else ErrChecksumMismatch. ErrUploadNotFound
	// when the upload is not active for this object.
	UploadPart(ctx context.Context, bucket, object, uploadID string, number int, r io.Reader, size int64, contentMD5 string) (etag string, err error)
	// ListParts lists the uploaded parts in part number order:
	// ErrUploadNotFound when the upload is not active for this object.
	ListParts(ctx context.Context, bucket, object, uploadID string) ([]Part, error)
	// ListUploads lists the active uploads of object, or of the whole
	// bucket when object is "": ErrBucketNotFound when the bucket is
	// missing.
	ListUploads(ctx context.Context, bucket, object string) ([]Upload, error)
	// CompleteUpload assembles parts (ascending, non-empty) into the object
	// and returns its ETag. Like S3, it refuses with ErrPartsMismatch a
	// part that was not uploaded with that ETag, parts out of order and a
	// part but the last smaller than MinPartSize; the upload then stays
	// active. With info.IfAbsent it refuses an existing object with
	// ErrObjectExists. Content type and metadata are those given to
	// InitUpload; info carries only IfAbsent.
	CompleteUpload(ctx context.Context, bucket, object, uploadID string, parts []Part, info WriteInfo) (etag string, err error)
	// AbortUpload aborts an upload and deletes its parts:
	// ErrUploadNotFound when it is not active for this object.
	AbortUpload(ctx context.Context, bucket, object, uploadID string) error

	// As reports whether the driver can set target (a pointer) to one of
	// its native types, and sets it.
	As(target any) bool
	// Close releases what the driver owns (connections it dialed, a server
	// it runs), not what its caller gave it. The portable layer calls it
	// once.
	Close() error
}
