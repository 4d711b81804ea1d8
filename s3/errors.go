package s3

import (
	"context"
	"errors"
	"fmt"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/objstore"
)

// codes maps S3 error codes to the objstore sentinels.
var codes = map[string]error{
	"NoSuchBucket":                objstore.ErrBucketNotFound,
	"BucketAlreadyExists":         objstore.ErrBucketExists,
	"BucketAlreadyOwnedByYou":     objstore.ErrBucketExists,
	"BucketNotEmpty":              objstore.ErrBucketNotEmpty,
	"NoSuchKey":                   objstore.ErrObjectNotFound,
	"NotFound":                    objstore.ErrObjectNotFound,
	"NoSuchUpload":                objstore.ErrUploadNotFound,
	"PreconditionFailed":          objstore.ErrObjectExists, // only sent with If-None-Match: *
	"InvalidPart":                 objstore.ErrPartsMismatch,
	"InvalidPartOrder":            objstore.ErrPartsMismatch,
	"EntityTooSmall":              objstore.ErrPartsMismatch,
	"InvalidRange":                objstore.ErrInvalidArgument,
	"BadDigest":                   objstore.ErrChecksumMismatch,
	"InvalidDigest":               objstore.ErrChecksumMismatch,
	"XAmzContentSHA256Mismatch":   objstore.ErrChecksumMismatch,
	"XAmzContentChecksumMismatch": objstore.ErrChecksumMismatch,
	"InvalidBucketName":           objstore.ErrInvalidID,
	"KeyTooLongError":             objstore.ErrInvalidID,
}

// mapError is the one place where driver errors become objstore errors:
// context errors come back unwrapped; S3 error codes with an objstore
// meaning wrap both the sentinel and the minio error (errors.Is reaches the
// first, errors.As the minio.ErrorResponse); anything else is wrapped with
// the package prefix.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	for _, c := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, c) {
			return c
		}
	}
	if s, ok := codes[minio.ToErrorResponse(err).Code]; ok {
		return fmt.Errorf("%w: %w", s, err)
	}
	return fmt.Errorf("s3: %w", err)
}
