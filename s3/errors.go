package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// ErrInvalidConfig is wrapped by every error about a [Config] or an option
// given to [Open] or [New].
var ErrInvalidConfig = errors.New("s3: invalid config")

// codes maps S3 error codes to the objstore sentinels.
var codes = map[string]error{
	"NoSuchBucket":                 driver.ErrBucketNotFound,
	"BucketAlreadyExists":          driver.ErrBucketExists,
	"BucketAlreadyOwnedByYou":      driver.ErrBucketExists,
	"BucketNotEmpty":               driver.ErrBucketNotEmpty,
	"NoSuchKey":                    driver.ErrObjectNotFound,
	"NotFound":                     driver.ErrObjectNotFound,
	"NoSuchUpload":                 driver.ErrUploadNotFound,
	"PreconditionFailed":           driver.ErrObjectExists, // only sent with If-None-Match: *
	"InvalidPart":                  driver.ErrPartsMismatch,
	"InvalidPartOrder":             driver.ErrPartsMismatch,
	"EntityTooSmall":               driver.ErrPartsMismatch,
	"InvalidRange":                 driver.ErrInvalidArgument,
	"InvalidArgument":              driver.ErrInvalidArgument,
	"InvalidRequest":               driver.ErrInvalidArgument,
	"EntityTooLarge":               driver.ErrInvalidArgument,
	"MetadataTooLarge":             driver.ErrInvalidArgument,
	"RequestHeaderSectionTooLarge": driver.ErrInvalidArgument,
	"BadDigest":                    driver.ErrChecksumMismatch,
	"InvalidDigest":                driver.ErrChecksumMismatch,
	"XAmzContentSHA256Mismatch":    driver.ErrChecksumMismatch,
	"XAmzContentChecksumMismatch":  driver.ErrChecksumMismatch,
	"InvalidBucketName":            driver.ErrInvalidID,
	"KeyTooLongError":              driver.ErrInvalidID,
	"AccessDenied":                 driver.ErrUnauthorized,
	"InvalidAccessKeyId":           driver.ErrUnauthorized,
	"XAdminUserNotFound":           driver.ErrUnauthorized, // versitygw's InvalidAccessKeyId
	"SignatureDoesNotMatch":        driver.ErrUnauthorized,
	"ExpiredToken":                 driver.ErrUnauthorized,
	"InvalidToken":                 driver.ErrUnauthorized,
	"InternalError":                driver.ErrUnavailable,
	"ServiceUnavailable":           driver.ErrUnavailable,
	"SlowDown":                     driver.ErrUnavailable,
	// versitygw's POSIX backend stores "a/b" as a file in directory "a":
	// "a" and "a/b" cannot both be objects.
	"ObjectParentIsFile":          driver.ErrObjectExists,
	"ExistingObjectIsDirectory":   driver.ErrObjectExists,
	"DirectoryObjectContainsData": driver.ErrInvalidID,
}

// mapError is the one place where driver errors become objstore errors:
// errors of ctx, the caller's context, come back unwrapped; S3 error codes
// with an objstore meaning wrap both the sentinel and the minio error
// (errors.Is reaches the first, errors.As the minio.ErrorResponse); network
// errors, timeouts of the transport (which match context.DeadlineExceeded
// although ctx is not done) and a response cut short (the server went away
// mid-stream) wrap ErrUnavailable; anything else is wrapped with the
// package prefix.
func mapError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
		return cerr
	}
	if s, ok := codes[minio.ToErrorResponse(err).Code]; ok {
		return fmt.Errorf("%w: %w", s, err)
	}
	var nerr net.Error
	if errors.As(err, &nerr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
	}
	return fmt.Errorf("s3: %w", err)
}

// mappedReader maps the errors of an object's body as mapError does, so a
// download cut short by an outage is ErrUnavailable; io.EOF passes as is.
type mappedReader struct {
	io.ReadCloser
	ctx context.Context
}

func (r mappedReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = mapError(r.ctx, err)
	}
	return n, err
}
