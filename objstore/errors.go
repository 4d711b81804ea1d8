package objstore

import "github.com/hexkit-go/hexkit/objstore/driver"

// Sentinel errors. Every implementation returns errors that match these with
// [errors.Is]; providers wrap them together with their driver's own error so
// that [errors.As] still reaches it.
var (
	// ErrBucketNotFound: the bucket does not exist.
	ErrBucketNotFound = driver.ErrBucketNotFound
	// ErrBucketExists: CreateBucket found the bucket already there.
	ErrBucketExists = driver.ErrBucketExists
	// ErrBucketNotEmpty: DeleteBucket without [WithContent] found objects
	// or multipart uploads in the bucket.
	ErrBucketNotEmpty = driver.ErrBucketNotEmpty
	// ErrObjectNotFound: the object does not exist.
	ErrObjectNotFound = driver.ErrObjectNotFound
	// ErrObjectExists: the destination of a copy, or of a put with
	// [IfAbsent], already exists.
	ErrObjectExists = driver.ErrObjectExists
	// ErrUploadNotFound: no multipart upload with this id is active for
	// the object.
	ErrUploadNotFound = driver.ErrUploadNotFound
	// ErrUploadActive: InitUpload found another multipart upload active for
	// the same object.
	ErrUploadActive = driver.ErrUploadActive
	// ErrInvalidID: a bucket or object id breaks the store's [IDRules].
	ErrInvalidID = driver.ErrInvalidID
	// ErrPartsMismatch: CompleteUpload found parts that do not match the
	// anticipated count or size, or no parts at all, or the server refused
	// the parts.
	ErrPartsMismatch = driver.ErrPartsMismatch
	// ErrChecksumMismatch: bytes written or read do not match the checksum
	// the other side computed.
	ErrChecksumMismatch = driver.ErrChecksumMismatch
	// ErrInvalidArgument: an argument or per-call option is out of bounds
	// (a size, range, list prefix, part number, expiry, anticipated part
	// count or size, Content-MD5, content type or metadata entry), or the
	// reader given to Put ended early.
	ErrInvalidArgument = driver.ErrInvalidArgument
	// ErrInvalidOption: an [Option] given to a constructor has an invalid
	// value.
	ErrInvalidOption = driver.ErrInvalidOption
	// ErrClosed: the store, or the [Reader] read from, was closed.
	ErrClosed = driver.ErrClosed
	// ErrUnauthorized: the server refused the store's credentials or
	// signature.
	ErrUnauthorized = driver.ErrUnauthorized
	// ErrUnavailable: the server did not answer, or answered that it
	// cannot serve the request now.
	ErrUnavailable = driver.ErrUnavailable
)
