package objstore

import "errors"

// Sentinel errors. Every implementation returns errors that match these with
// [errors.Is]; providers wrap them together with the driver's own error so
// that [errors.As] still reaches it.
var (
	// ErrBucketNotFound: the bucket does not exist.
	ErrBucketNotFound = errors.New("objstore: bucket not found")
	// ErrBucketExists: CreateBucket found the bucket already there.
	ErrBucketExists = errors.New("objstore: bucket already exists")
	// ErrBucketNotEmpty: DeleteBucket without [WithContent] found objects
	// or multipart uploads in the bucket.
	ErrBucketNotEmpty = errors.New("objstore: bucket not empty")
	// ErrObjectNotFound: the object does not exist.
	ErrObjectNotFound = errors.New("objstore: object not found")
	// ErrObjectExists: the destination of a copy, or of a put with
	// [IfAbsent], already exists.
	ErrObjectExists = errors.New("objstore: object already exists")
	// ErrUploadNotFound: no multipart upload with this id is active for
	// the object.
	ErrUploadNotFound = errors.New("objstore: multipart upload not found")
	// ErrUploadActive: InitUpload found another multipart upload active for
	// the same object.
	ErrUploadActive = errors.New("objstore: multipart upload already active")
	// ErrInvalidID: a bucket or object id breaks the store's [IDRules].
	ErrInvalidID = errors.New("objstore: invalid id")
	// ErrPartsMismatch: CompleteUpload found parts that do not match the
	// anticipated count or size, or no parts at all, or the server refused
	// the parts.
	ErrPartsMismatch = errors.New("objstore: multipart parts mismatch")
	// ErrChecksumMismatch: bytes written or read do not match the checksum
	// the other side computed.
	ErrChecksumMismatch = errors.New("objstore: checksum mismatch")
	// ErrInvalidArgument: a size, range, part number or expiry is out of
	// bounds.
	ErrInvalidArgument = errors.New("objstore: invalid argument")
)
