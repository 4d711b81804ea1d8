package driver

import "errors"

// Sentinel errors of the objstore protocol. Package objstore re-exports
// each under the same name; the meaning of each is documented there.
var (
	// ErrBucketNotFound is objstore.ErrBucketNotFound.
	ErrBucketNotFound = errors.New("objstore: bucket not found")
	// ErrBucketExists is objstore.ErrBucketExists.
	ErrBucketExists = errors.New("objstore: bucket already exists")
	// ErrBucketNotEmpty is objstore.ErrBucketNotEmpty.
	ErrBucketNotEmpty = errors.New("objstore: bucket not empty")
	// ErrObjectNotFound is objstore.ErrObjectNotFound.
	ErrObjectNotFound = errors.New("objstore: object not found")
	// ErrObjectExists is objstore.ErrObjectExists.
	ErrObjectExists = errors.New("objstore: object already exists")
	// ErrUploadNotFound is objstore.ErrUploadNotFound.
	ErrUploadNotFound = errors.New("objstore: multipart upload not found")
	// ErrUploadActive is objstore.ErrUploadActive.
	ErrUploadActive = errors.New("objstore: multipart upload already active")
	// ErrInvalidID is objstore.ErrInvalidID.
	ErrInvalidID = errors.New("objstore: invalid id")
	// ErrPartsMismatch is objstore.ErrPartsMismatch.
	ErrPartsMismatch = errors.New("objstore: multipart parts mismatch")
	// ErrChecksumMismatch is objstore.ErrChecksumMismatch.
	ErrChecksumMismatch = errors.New("objstore: checksum mismatch")
	// ErrInvalidArgument is objstore.ErrInvalidArgument.
	ErrInvalidArgument = errors.New("objstore: invalid argument")
	// ErrInvalidOption is objstore.ErrInvalidOption.
	ErrInvalidOption = errors.New("objstore: invalid option")
	// ErrClosed is objstore.ErrClosed.
	ErrClosed = errors.New("objstore: store closed")
	// ErrUnauthorized is objstore.ErrUnauthorized.
	ErrUnauthorized = errors.New("objstore: unauthorized")
	// ErrUnavailable is objstore.ErrUnavailable.
	ErrUnavailable = errors.New("objstore: server unavailable")
)
