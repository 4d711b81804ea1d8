package objstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"sync"
	"time"
)

// Store is the portable object store: the type services hold. It validates
// ids and arguments, then calls its [Driver]; the multipart checks,
// streaming and checksum verification live here, so they are the same on
// every provider. A Store is safe for concurrent use.
type Store struct {
	d    Driver
	cfg  config
	bufs sync.Pool // *[]byte of cfg.partSize, for multipart Put
}

// New returns a Store over d. Options are validated here.
func New(d Driver, opts ...Option) (*Store, error) {
	if d == nil {
		return nil, errors.New("objstore: nil driver")
	}
	s := &Store{d: d, cfg: config{partSize: DefaultPartSize, concurrency: DefaultPutConcurrency}}
	for _, o := range opts {
		if err := o(&s.cfg); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// As sets target, a pointer to a driver's native type, and reports whether
// the driver could. See each provider's "# As" section.
func (s *Store) As(target any) bool { return s.d.As(target) }

// ValidateBucketID checks id against the store's bucket rule.
func (s *Store) ValidateBucketID(id string) error { return s.cfg.ids.bucket(id) }

// ValidateObjectID checks bucket and object against the store's rules.
func (s *Store) ValidateObjectID(bucket, object string) error {
	return s.cfg.ids.object(bucket, object)
}

// CreateBucket creates a bucket: [ErrBucketExists] when it exists.
func (s *Store) CreateBucket(ctx context.Context, bucket string) error {
	if err := s.cfg.ids.bucket(bucket); err != nil {
		return err
	}
	return s.d.CreateBucket(ctx, bucket)
}

// BucketExists reports whether the bucket exists.
func (s *Store) BucketExists(ctx context.Context, bucket string) (bool, error) {
	if err := s.cfg.ids.bucket(bucket); err != nil {
		return false, err
	}
	return s.d.BucketExists(ctx, bucket)
}

// DeleteBucket deletes a bucket: [ErrBucketNotFound] when it is missing,
// [ErrBucketNotEmpty] when it holds objects or multipart uploads, unless
// [WithContent] is given, which aborts the uploads and deletes the objects
// first.
func (s *Store) DeleteBucket(ctx context.Context, bucket string, opts ...DeleteBucketOption) error {
	if err := s.cfg.ids.bucket(bucket); err != nil {
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
	}
	return s.d.DeleteBucket(ctx, bucket)
}

func (s *Store) emptyBucket(ctx context.Context, bucket string) error {
	ups, err := s.d.ListUploads(ctx, bucket, "")
	if err != nil {
		return err
	}
	for _, u := range ups {
		if err := s.d.AbortUpload(ctx, bucket, u.Object, u.ID); err != nil && !errors.Is(err, ErrUploadNotFound) {
			return err
		}
	}
	for id, err := range s.listIDs(ctx, bucket, "") {
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
func (s *Store) notFound(ctx context.Context, bucket string, err error) error {
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

// Stat returns an object's size, ETag, content type, modification time and
// metadata: [ErrObjectNotFound] or [ErrBucketNotFound] when missing.
func (s *Store) Stat(ctx context.Context, bucket, object string) (ObjectInfo, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return ObjectInfo{}, err
	}
	info, err := s.d.Stat(ctx, bucket, object)
	if err != nil {
		return ObjectInfo{}, s.notFound(ctx, bucket, err)
	}
	return cleanInfo(info), nil
}

// ObjectExists reports whether the object exists: [ErrBucketNotFound] when
// the bucket does not.
func (s *Store) ObjectExists(ctx context.Context, bucket, object string) (bool, error) {
	_, err := s.Stat(ctx, bucket, object)
	if errors.Is(err, ErrObjectNotFound) {
		return false, nil
	}
	return err == nil, err
}

// List yields the ids of the bucket's objects that start with prefix, in
// lexical order, page by page as the loop asks for them. An error ends the
// sequence: [ErrBucketNotFound] when the bucket is missing.
func (s *Store) List(ctx context.Context, bucket, prefix string) iter.Seq2[string, error] {
	if err := s.cfg.ids.bucket(bucket); err != nil {
		return func(yield func(string, error) bool) { yield("", err) }
	}
	return s.listIDs(ctx, bucket, prefix)
}

func (s *Store) listIDs(ctx context.Context, bucket, prefix string) iter.Seq2[string, error] {
	return s.d.List(ctx, bucket, prefix)
}

// Copy copies an object, also between buckets, keeping content type and
// metadata. The destination must not exist ([ErrObjectExists]) unless
// [WithOverwrite] is given. A missing source is [ErrObjectNotFound], a
// missing bucket [ErrBucketNotFound], a copy onto itself
// [ErrInvalidArgument].
func (s *Store) Copy(ctx context.Context, srcBucket, srcObject, dstBucket, dstObject string, opts ...CopyOption) error {
	if err := s.cfg.ids.object(srcBucket, srcObject); err != nil {
		return err
	}
	if err := s.cfg.ids.object(dstBucket, dstObject); err != nil {
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

// Delete deletes an object. A missing object is not an error; a missing
// bucket is [ErrBucketNotFound].
func (s *Store) Delete(ctx context.Context, bucket, object string) error {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return err
	}
	return s.d.Delete(ctx, bucket, object)
}

func presignOptions(opts []PresignOption) (presignConfig, error) {
	c := presignConfig{expiry: DefaultExpiry}
	for _, o := range opts {
		o(&c)
	}
	if c.expiry < time.Second || c.expiry > MaxExpiry {
		return c, fmt.Errorf("%w: expiry %v not in [1s, %v]", ErrInvalidArgument, c.expiry, MaxExpiry)
	}
	return c, nil
}

// PresignGet returns a URL that downloads the object with a plain GET until
// it expires. Presigning does not contact the server: a URL for a missing
// object answers 404 when used.
func (s *Store) PresignGet(ctx context.Context, bucket, object string, opts ...PresignOption) (string, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return "", err
	}
	c, err := presignOptions(opts)
	if err != nil {
		return "", err
	}
	return s.d.Presign(ctx, PresignRequest{Method: http.MethodGet, Bucket: bucket, Object: object, Expiry: c.expiry})
}

// PresignPut returns a URL that uploads the object with a plain PUT of the
// body until it expires. With [WithContentMD5] the request must carry that
// Content-MD5. Presigning does not contact the server.
func (s *Store) PresignPut(ctx context.Context, bucket, object string, opts ...PresignOption) (string, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return "", err
	}
	c, err := presignOptions(opts)
	if err != nil {
		return "", err
	}
	return s.d.Presign(ctx, PresignRequest{Method: http.MethodPut, Bucket: bucket, Object: object, ContentMD5: c.md5, Expiry: c.expiry})
}

// PresignPost returns a form upload of at most maxSize bytes (a POST
// policy). The server refuses a larger file. Presigning does not contact the
// server.
func (s *Store) PresignPost(ctx context.Context, bucket, object string, maxSize int64, opts ...PresignOption) (PresignedPost, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return PresignedPost{}, err
	}
	if maxSize < 1 || maxSize > MaxPartSize {
		return PresignedPost{}, fmt.Errorf("%w: max size %d not in [1, %d]", ErrInvalidArgument, maxSize, int64(MaxPartSize))
	}
	c, err := presignOptions(opts)
	if err != nil {
		return PresignedPost{}, err
	}
	return s.d.PresignPost(ctx, bucket, object, maxSize, c.expiry)
}
