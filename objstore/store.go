package objstore

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// Store is the object storage protocol: what a service holds. Every
// provider constructor returns one (s3.Open, s3.New, memobjstore.New,
// memobjstore.NewTest). Implementations validate ids and arguments before
// any request, behave the same on every backend (see the package
// documentation) and are safe for concurrent use.
type Store interface {
	// CreateBucket creates a bucket: [ErrBucketExists] when it exists.
	CreateBucket(ctx context.Context, bucket string) error
	// BucketExists reports whether the bucket exists.
	BucketExists(ctx context.Context, bucket string) (bool, error)
	// DeleteBucket deletes a bucket: [ErrBucketNotFound] when it is
	// missing, [ErrBucketNotEmpty] when it holds objects or multipart
	// uploads, unless [WithContent] is given, which aborts the uploads and
	// deletes the objects first.
	DeleteBucket(ctx context.Context, bucket string, opts ...DeleteBucketOption) error

	// Stat returns an object's size, ETag, content type, modification time
	// and metadata: [ErrObjectNotFound] or [ErrBucketNotFound] when
	// missing.
	Stat(ctx context.Context, bucket, object string) (ObjectInfo, error)
	// ObjectExists reports whether the object exists: [ErrBucketNotFound]
	// when the bucket does not.
	ObjectExists(ctx context.Context, bucket, object string) (bool, error)
	// List yields the ids of the bucket's objects that start with prefix,
	// in lexical order, page by page as the loop asks for them. An error
	// ends the sequence: [ErrBucketNotFound] when the bucket is missing,
	// [ErrInvalidArgument], before any request, for a prefix that is not
	// valid UTF-8 or longer than 1024 bytes (S3 refuses both; a prefix
	// that names no stored id is not an error and yields nothing).
	List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error]
	// Copy copies an object, also between buckets, keeping content type
	// and metadata. The copy is stored in one part: its ETag is the MD5 of
	// its bytes, also when the source's is a multipart ETag, and a whole
	// read of it is verified. The destination must not exist
	// ([ErrObjectExists]) unless [WithOverwrite] is given. A missing source is
	// [ErrObjectNotFound], a missing bucket [ErrBucketNotFound], a copy
	// onto itself [ErrInvalidArgument].
	Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, opts ...CopyOption) error
	// Delete deletes an object. A missing object is not an error; a
	// missing bucket is [ErrBucketNotFound].
	Delete(ctx context.Context, bucket, object string) error

	// Put streams r into the object and returns what was stored (without
	// LastModified, which only Stat knows). size is the number of bytes
	// to read from r (Put reads no further), or -1 to read r to its end.
	// Objects larger than the part size ([WithPartSize]) go up as
	// multipart uploads, several parts at a time ([WithPutConcurrency]); a
	// failed multipart Put aborts its upload (when the server is
	// reachable). A reader that is also an io.ReaderAt and io.Seeker (a
	// file, a bytes.Reader) with a known size is read in place, part by
	// part from its current position, without buffering; on success its
	// position moves past the size bytes.
	//
	// Put checks checksums: it computes the MD5 of every byte as it sends
	// it, and the ETag the server computed for each part and for the
	// object must equal the MD5 (or multipart ETag) of the bytes sent,
	// else [ErrChecksumMismatch]. A reader that ends before size bytes is
	// [ErrInvalidArgument]; so is metadata [WithMetadata] refuses. When r
	// fails with an error of its own, Put returns that error wrapped, so
	// errors.Is(err, readerErr) holds, matching none of the sentinels (the
	// server is not at fault, so it is never [ErrUnavailable]); nothing is
	// stored.
	Put(ctx context.Context, bucket, object string, r io.Reader, size int64, opts ...WriteOption) (ObjectInfo, error)
	// Get opens the object for reading: [ErrObjectNotFound] or
	// [ErrBucketNotFound] when missing, [ErrInvalidArgument] for a range
	// that is empty or starts outside the object (see [WithRange]). Close
	// the reader when done.
	//
	// A whole-object read verifies the ETag: of a single-part object the
	// MD5 of the bytes, of a multipart object written by Put its multipart
	// ETag. When the bytes do not match, the final Read returns
	// [ErrChecksumMismatch] instead of io.EOF. Ranged reads, reads with
	// [WithoutVerification] and multipart objects uploaded by others are
	// not verified (see [Reader]). A verified read hashes in a goroutine
	// of its own while the next bytes arrive, holding at most 2 MiB that
	// wait for the hash.
	Get(ctx context.Context, bucket, object string, opts ...GetOption) (Reader, error)

	// PresignGet returns a URL that downloads the object with a plain GET
	// until it expires. Presigning does not contact the server: a URL for
	// a missing object answers 404 when used.
	PresignGet(ctx context.Context, bucket, object string, opts ...PresignOption) (string, error)
	// PresignPut returns a URL that uploads the object with a plain PUT of
	// the body, which must have a Content-Length (411 without one), until
	// it expires. With [WithContentMD5] the request must carry that
	// Content-MD5. The object gets the request's Content-Type, or
	// binary/octet-stream (S3's default) without one. If-None-Match: * and
	// If-Match make the PUT conditional (see the package documentation).
	// Presigning does not contact the server.
	PresignPut(ctx context.Context, bucket, object string, opts ...PresignOption) (string, error)
	// PresignPost returns a form upload of at most maxSize bytes (1 to
	// [MaxPartSize]; a POST policy). The server refuses a larger file. The
	// object's content type is binary/octet-stream (S3's default: the
	// policy allows no content type field). Presigning does not contact
	// the server.
	PresignPost(ctx context.Context, bucket, object string, maxSize int64, opts ...PresignOption) (PresignedPost, error)

	// InitUpload starts a multipart upload and returns its id:
	// [ErrUploadActive] when the object has an active upload already.
	// Content type and metadata apply to the object the upload completes
	// into; [IfAbsent] is for Put only and fails here with
	// [ErrInvalidArgument].
	//
	// The check for an active upload and the start are two steps on every
	// backend (S3 has no condition for it): two concurrent InitUpload
	// calls for one object may both succeed.
	InitUpload(ctx context.Context, bucket, object string, opts ...WriteOption) (string, error)
	// PresignPart returns a URL that uploads part number (1 to [MaxParts])
	// of the upload with a plain PUT until it expires; with
	// [WithContentMD5] the request must carry that Content-MD5. Presigning
	// does not contact the server: an unknown upload id fails when the URL
	// is used.
	PresignPart(ctx context.Context, bucket, object, uploadID string, number int, opts ...PresignOption) (string, error)
	// ListParts lists the uploaded parts of an upload in part number
	// order: [ErrUploadNotFound] when the upload is not active.
	ListParts(ctx context.Context, bucket, object, uploadID string) ([]Part, error)
	// ListUploads lists the active uploads of one object.
	ListUploads(ctx context.Context, bucket, object string) ([]Upload, error)
	// ListBucketUploads lists the active uploads of every object in the
	// bucket.
	ListBucketUploads(ctx context.Context, bucket string) ([]Upload, error)
	// CompleteUpload assembles the uploaded parts into the object. It
	// fails with [ErrPartsMismatch] when no part was uploaded, when the
	// parts break [WithPartCount] or [WithAnticipatedPartSize], or when
	// the server refuses them (a part but the last smaller than
	// [MinPartSize]); the upload then stays active. [ErrUploadNotFound]
	// when the upload is not active; [ErrInvalidArgument], before any
	// request, for an anticipated count or size out of bounds.
	CompleteUpload(ctx context.Context, bucket, object, uploadID string, opts ...CompleteOption) error
	// AbortUpload aborts an upload and deletes its parts:
	// [ErrUploadNotFound] when it is not active. It then checks that no
	// part remains (a part whose upload was in flight may survive an abort
	// on S3), aborting again up to three times before it reports an error.
	AbortUpload(ctx context.Context, bucket, object, uploadID string) error

	// ValidateBucketID checks id against the store's bucket rule
	// ([IDRules]): nil or an error wrapping [ErrInvalidID].
	ValidateBucketID(id string) error
	// ValidateObjectID checks bucket and object against the store's rules.
	ValidateObjectID(bucket, object string) error

	// As sets target, a pointer to a provider's native type, and reports
	// whether it could. See each provider's "# As" section.
	As(target any) bool
	// Close releases what the provider's constructor opened (connections,
	// the in-memory store's HTTP server); a client given to a provider
	// stays open. Calls after Close fail with [ErrClosed]; Close does not
	// wait for calls in flight. Closing twice is a no-op.
	Close() error
}

// New returns a Store over a driver: for providers; services call a
// provider's constructor. Options are validated here: an invalid one is
// [ErrInvalidOption].
func New(d driver.Store, opts ...Option) (Store, error) {
	if d == nil {
		return nil, fmt.Errorf("%w: nil driver", ErrInvalidOption)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return &portable{d: d, cfg: cfg}, nil
}

// portable is the Store every provider returns: it validates ids and
// arguments, then calls its driver; the multipart checks, streaming and
// checksum verification live here, so they are the same on every provider.
type portable struct {
	d      driver.Store
	cfg    config
	bufs   sync.Pool // *[]byte of cfg.partSize, for multipart Put
	chunks sync.Pool // *[]byte of verifyChunk, for verified Get
	closed atomic.Bool
	once   sync.Once
	err    error // of the driver's Close
}

// bucket checks that the store is open and the bucket id valid.
func (s *portable) bucket(bucket string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return s.cfg.ids.bucket(bucket)
}

// object checks that the store is open and the ids valid.
func (s *portable) object(bucket, object string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return s.cfg.ids.object(bucket, object)
}

func (s *portable) As(target any) bool { return s.d.As(target) }

func (s *portable) Close() error {
	s.once.Do(func() {
		s.closed.Store(true)
		s.err = s.d.Close()
	})
	return s.err
}

func (s *portable) ValidateBucketID(id string) error { return s.cfg.ids.bucket(id) }

func (s *portable) ValidateObjectID(bucket, object string) error {
	return s.cfg.ids.object(bucket, object)
}

func (s *portable) CreateBucket(ctx context.Context, bucket string) error {
	if err := s.bucket(bucket); err != nil {
		return err
	}
	return s.d.CreateBucket(ctx, bucket)
}

func (s *portable) BucketExists(ctx context.Context, bucket string) (bool, error) {
	if err := s.bucket(bucket); err != nil {
		return false, err
	}
	return s.d.BucketExists(ctx, bucket)
}

func (s *portable) DeleteBucket(ctx context.Context, bucket string, opts ...DeleteBucketOption) error {
	if err := s.bucket(bucket); err != nil {
		return err
	}
	var c deleteBucketConfig
	for _, o := range opts {
		o(&c)
	}
	if c.content {
		if err := s.emptyBucket(ctx, bucket); err != nil {
			return err
		}
	} else {
		// Some servers (versitygw) delete a bucket whose only content is
		// active uploads; the protocol refuses everywhere.
		ups, err := s.d.ListUploads(ctx, bucket, "")
		if err != nil {
			return err
		}
		if len(ups) > 0 {
			return fmt.Errorf("%w: %s has %d active multipart uploads", ErrBucketNotEmpty, bucket, len(ups))
		}
	}
	return s.d.DeleteBucket(ctx, bucket)
}

func (s *portable) emptyBucket(ctx context.Context, bucket string) error {
	ups, err := s.d.ListUploads(ctx, bucket, "")
	if err != nil {
		return err
	}
	for _, u := range ups {
		if err := s.d.AbortUpload(ctx, bucket, u.Object, u.ID); err != nil && !errors.Is(err, ErrUploadNotFound) {
			return err
		}
	}
	for id, err := range s.d.List(ctx, bucket, "") {
		if err != nil {
			return err
		}
		if err := s.d.Delete(ctx, bucket, id); err != nil {
			return err
		}
	}
	return nil
}

// notFound turns a driver's ErrObjectNotFound into ErrBucketNotFound when
// the bucket is the thing missing.
func (s *portable) notFound(ctx context.Context, bucket string, err error) error {
	if !errors.Is(err, ErrObjectNotFound) {
		return err
	}
	ok, berr := s.d.BucketExists(ctx, bucket)
	switch {
	case berr != nil:
		return berr
	case !ok:
		return fmt.Errorf("%w: %s", ErrBucketNotFound, bucket)
	}
	return err
}

// cleanInfo converts what a driver reports into what the store returns:
// ETag without quotes, metadata never nil and without the store's own key.
func cleanInfo(info driver.ObjectInfo) ObjectInfo {
	if _, ok := info.Metadata[partSizeKey]; ok {
		m := make(map[string]string, len(info.Metadata)-1)
		for k, v := range info.Metadata {
			if k != partSizeKey {
				m[k] = v
			}
		}
		info.Metadata = m
	}
	if info.Metadata == nil {
		info.Metadata = map[string]string{}
	}
	info.ETag = driver.TrimETag(info.ETag)
	return ObjectInfo(info)
}

func (s *portable) Stat(ctx context.Context, bucket, object string) (ObjectInfo, error) {
	if err := s.object(bucket, object); err != nil {
		return ObjectInfo{}, err
	}
	info, err := s.d.Stat(ctx, bucket, object)
	if err != nil {
		return ObjectInfo{}, s.notFound(ctx, bucket, err)
	}
	return cleanInfo(info), nil
}

func (s *portable) ObjectExists(ctx context.Context, bucket, object string) (bool, error) {
	_, err := s.Stat(ctx, bucket, object)
	if errors.Is(err, ErrObjectNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (s *portable) List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error] {
	err := s.bucket(bucket)
	if err == nil {
		err = checkPrefix(prefix)
	}
	if err != nil {
		return func(yield func(string, error) bool) { yield("", err) }
	}
	return s.d.List(ctx, bucket, prefix)
}

func (s *portable) Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, opts ...CopyOption) error {
	if err := s.object(srcBucket, srcObject); err != nil {
		return err
	}
	if err := s.object(dstBucket, dstObject); err != nil {
		return err
	}
	if srcBucket == dstBucket && srcObject == dstObject {
		return fmt.Errorf("%w: copy of %s/%s onto itself", ErrInvalidArgument, srcBucket, srcObject)
	}
	var c copyConfig
	for _, o := range opts {
		o(&c)
	}
	if !c.overwrite {
		switch _, err := s.d.Stat(ctx, dstBucket, dstObject); {
		case err == nil:
			return fmt.Errorf("%w: %s/%s", ErrObjectExists, dstBucket, dstObject)
		case !errors.Is(err, ErrObjectNotFound):
			return err
		}
	}
	err := s.d.Copy(ctx, srcBucket, srcObject, dstBucket, dstObject, c.overwrite)
	if errors.Is(err, ErrObjectNotFound) {
		if err2 := s.notFound(ctx, dstBucket, err); !errors.Is(err2, ErrObjectNotFound) {
			return err2
		}
		return s.notFound(ctx, srcBucket, err)
	}
	return err
}

func (s *portable) Delete(ctx context.Context, bucket, object string) error {
	if err := s.object(bucket, object); err != nil {
		return err
	}
	return s.d.Delete(ctx, bucket, object)
}

// presignOptions applies and checks the options of a presigning call, and
// returns the error of ctx once it is done: presigning sends no request,
// so a driver that signs offline never looks at ctx, and a call whose
// context ended must not start on any backend.
func presignOptions(ctx context.Context, opts []PresignOption) (presignConfig, error) {
	c := presignConfig{expiry: DefaultExpiry}
	for _, o := range opts {
		o(&c)
	}
	if c.expiry < time.Second || c.expiry > MaxExpiry {
		return c, fmt.Errorf("%w: expiry %v not in [1s, %v]", ErrInvalidArgument, c.expiry, MaxExpiry)
	}
	if c.expiry%time.Second != 0 {
		return c, fmt.Errorf("%w: expiry %v is not a whole number of seconds", ErrInvalidArgument, c.expiry)
	}
	if c.hasMD5 {
		if sum, err := base64.StdEncoding.Strict().DecodeString(c.md5); err != nil || len(sum) != md5.Size {
			return c, fmt.Errorf("%w: Content-MD5 %q is not the base64 of 16 bytes", ErrInvalidArgument, c.md5)
		}
	}
	return c, ctx.Err()
}

func (s *portable) PresignGet(ctx context.Context, bucket, object string, opts ...PresignOption) (string, error) {
	if err := s.object(bucket, object); err != nil {
		return "", err
	}
	c, err := presignOptions(ctx, opts)
	if err != nil {
		return "", err
	}
	return s.d.Presign(ctx, driver.PresignRequest{Method: http.MethodGet, Bucket: bucket, Object: object, Expiry: c.expiry})
}

func (s *portable) PresignPut(ctx context.Context, bucket, object string, opts ...PresignOption) (string, error) {
	if err := s.object(bucket, object); err != nil {
		return "", err
	}
	c, err := presignOptions(ctx, opts)
	if err != nil {
		return "", err
	}
	return s.d.Presign(ctx, driver.PresignRequest{Method: http.MethodPut, Bucket: bucket, Object: object, ContentMD5: c.md5, Expiry: c.expiry})
}

func (s *portable) PresignPost(ctx context.Context, bucket, object string, maxSize int64, opts ...PresignOption) (PresignedPost, error) {
	if err := s.object(bucket, object); err != nil {
		return PresignedPost{}, err
	}
	if maxSize < 1 || maxSize > MaxPartSize {
		return PresignedPost{}, fmt.Errorf("%w: max size %d not in [1, %d]", ErrInvalidArgument, maxSize, int64(MaxPartSize))
	}
	c, err := presignOptions(ctx, opts)
	if err != nil {
		return PresignedPost{}, err
	}
	p, err := s.d.PresignPost(ctx, bucket, object, maxSize, c.expiry)
	return PresignedPost(p), err
}
