package driver

import "errors"

// Sentinel errors of the objstore protocol. Package objstore re-exports
// each under the same name; the meaning of each is documented there.
var (
	ErrBucketNotFound   = errors.New("objstore: bucket not found")
	ErrBucketExists     = errors.New("objstore: bucket already exists")
	ErrBucketNotEmpty   = errors.New("objstore: bucket not empty")
	ErrObjectNotFound   = errors.New("objstore: object not found")
	ErrObjectExists     = errors.New("objstore: object already exists")
	ErrUploadNotFound   = errors.New("objstore: multipart upload not found")
	ErrUploadActive     = errors.New("objstore: multipart upload already active")
	ErrInvalidID        = errors.New("objstore: invalid id")
	ErrPartsMismatch    = errors.New("objstore: multipart parts mismatch")
	ErrChecksumMismatch = errors.New("objstore: checksum mismatch")
	ErrInvalidArgument  = errors.New("objstore: invalid argument")
	ErrInvalidOption    = errors.New("objstore: invalid option")
	ErrClosed           = errors.New("objstore: store closed")
	ErrUnauthorized     = errors.New("objstore: unauthorized")
	ErrUnavailable      = errors.New("objstore: server unavailable")
)
