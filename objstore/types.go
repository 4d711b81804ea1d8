package objstore

import (
	"io"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Bucket      string
	ID          string
	Size        int64  // the whole object's size, also for ranged reads
	ETag        string // without quotes; "<md5 hex>" or "<hex>-<parts>" for multipart objects
	ContentType string
	// LastModified is when the object was written, in whole seconds on
	// every backend (as S3 reports it): an object written just after an
	// instant t may report a LastModified before t, but not before
	// t.Truncate(time.Second). Zero in what Put returns; Stat knows it.
	LastModified time.Time
	// Metadata holds the user metadata, keys in lower case; never nil.
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
// named "file" carrying the bytes, last. Field names count in any case (a
// later field replaces an earlier one of the same name). Besides Fields,
// the server accepts fields named x-ignore-* and a field named bucket (of
// any value: the server checks the URL's bucket); it refuses (403) a form
// with any other field, such as a content type or metadata. The file is
// the first part named "file" or with a filename, and holds every byte
// after its headers up to the end of the form: a part after it counts as
// file content. A file larger than the limit is 400 EntityTooLarge, a form
// without a file part 400 InvalidArgument, a body that is not
// multipart/form-data 412, a form posted to the URL of a missing bucket
// 404 NoSuchBucket. Send the file last: AWS S3 ignores the fields after
// it, so it and the in-memory store refuse a form whose file comes first
// (403), although versitygw reads on and accepts it.
type PresignedPost struct {
	URL    string
	Fields map[string]string
}

// Reader reads an object opened by [Store.Get]. The readers of every
// provider's store also implement io.WriterTo, so io.Copy moves the bytes
// with large reads.
type Reader interface {
	// Read reads the next bytes of the object. Once the context given to
	// Get is done, Read returns its error. A whole-object read that does
	// not match the object's ETag ends with [ErrChecksumMismatch] instead
	// of io.EOF: a verified read hashes the bytes in a goroutine of its
	// own while the next ones arrive, and its final Read waits for the
	// hash of every byte before it returns io.EOF. Read after Close fails
	// with [ErrClosed].
	io.Reader
	// Close releases the connection and stops the hashing of a verified
	// read; it may be called from another goroutine to end a Read in
	// progress.
	io.Closer
	// Info describes the object; for a ranged read Size is still the whole
	// object's size.
	Info() ObjectInfo
	// Verified reports, after Read returned io.EOF, whether the bytes were
	// checked against the object's ETag.
	Verified() bool
}

// The user types convert from the driver's without copying: the
// conversions below compile only while their fields are the same.
var (
	_ = ObjectInfo(driver.ObjectInfo{})
	_ = Part(driver.Part{})
	_ = Upload(driver.Upload{})
	_ = PresignedPost(driver.PresignedPost{})
)
