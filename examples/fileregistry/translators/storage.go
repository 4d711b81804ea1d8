package translators

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/objstore"
)

// Object names of the storage translator, in its one bucket. A file's
// staged upload is "upload.<id>"; its committed bytes are
// "file.<id>.<etag>", named after their own ETag, so a name always tells
// which bytes it may hold.
const (
	stagingPrefix = "upload."
	finalPrefix   = "file."
)

// Storage implements registry.Storage with an object store and one bucket.
// Clients upload with a presigned POST form (objstore.Store.PresignPost),
// whose size limit the store enforces as the bytes arrive, into the
// object "upload.<id>", which nothing serves. Commit copies it server side
// to "file.<id>.<etag>" and downloads are presigned GETs of that object:
// no presigned URL or form handed to a client ever writes it.
type Storage struct {
	store  objstore.Store
	bucket string
}

var _ registry.Storage = (*Storage)(nil)

// NewStorage returns a Storage that keeps files in bucket. It checks the
// bucket's id, not that the bucket exists.
func NewStorage(store objstore.Store, bucket string) (*Storage, error) {
	if err := store.ValidateBucketID(bucket); err != nil {
		return nil, err
	}
	return &Storage{store: store, bucket: bucket}, nil
}

// UploadForm implements registry.Storage with a presigned POST of at most
// maxSize bytes into the file's staging object.
func (s *Storage) UploadForm(ctx context.Context, id string, maxSize int64, expiry time.Duration) (string, map[string]string, error) {
	p, err := s.store.PresignPost(ctx, s.bucket, stagingPrefix+id, maxSize, objstore.WithExpiry(expiry))
	if err != nil {
		return "", nil, err
	}
	return p.URL, p.Fields, nil
}

// Commit implements registry.Storage: it checks the staged object's size,
// copies it to "file.<id>.<etag>" with the staged ETag, checks the copy's
// size and ETag, and deletes the staged object. A copy that is not what
// was checked (the client uploaded again meanwhile) is deleted and
// reported as registry.ErrUploadChanged. With nothing staged, Commit
// returns a committed object of the right size, so a confirmation that
// failed after its Commit can be retried.
func (s *Storage) Commit(ctx context.Context, id string, size int64) (string, error) {
	staged := stagingPrefix + id
	info, err := s.store.Stat(ctx, s.bucket, staged)
	if errors.Is(err, objstore.ErrObjectNotFound) {
		return s.committed(ctx, id, size, err)
	}
	if err != nil {
		return "", err
	}
	if info.Size != size {
		return "", fmt.Errorf("%w: file %s has %d bytes, %d declared", registry.ErrSizeMismatch, id, info.Size, size)
	}
	final := finalPrefix + id + "." + info.ETag
	err = s.store.Copy(ctx, s.bucket, staged, s.bucket, final)
	switch {
	case errors.Is(err, objstore.ErrObjectNotFound):
		// A concurrent Commit took the staged object.
		return s.committed(ctx, id, size, err)
	case err != nil && !errors.Is(err, objstore.ErrObjectExists): // exists: an earlier Commit's copy
		return "", err
	}
	got, err := s.store.Stat(ctx, s.bucket, final)
	if err != nil {
		return "", err
	}
	if got.ETag != info.ETag || got.Size != size {
		err := fmt.Errorf("%w: file %s: the copy has %d bytes and ETag %s, the checked upload %d and %s",
			registry.ErrUploadChanged, id, got.Size, got.ETag, size, info.ETag)
		return "", errors.Join(err, s.store.Delete(ctx, s.bucket, final))
	}
	if err := s.store.Delete(ctx, s.bucket, staged); err != nil {
		return "", err
	}
	return got.ETag, nil
}

// committed returns the ETag of a committed object of file id with size
// bytes, or an error wrapping registry.ErrUploadMissing and missing.
func (s *Storage) committed(ctx context.Context, id string, size int64, missing error) (string, error) {
	prefix := finalPrefix + id + "."
	for name, err := range s.store.List(ctx, s.bucket, prefix) {
		if err != nil {
			return "", err
		}
		etag := strings.TrimPrefix(name, prefix)
		if strings.Contains(etag, ".") {
			continue // a file whose id starts with id + "."
		}
		info, err := s.store.Stat(ctx, s.bucket, name)
		if err != nil {
			return "", err
		}
		if info.Size == size && info.ETag == etag {
			return etag, nil
		}
	}
	return "", fmt.Errorf("%w: file %s: %w", registry.ErrUploadMissing, id, missing)
}

// DownloadURL implements registry.Storage with a presigned GET of the
// file's committed object.
func (s *Storage) DownloadURL(ctx context.Context, id, etag string, expiry time.Duration) (string, error) {
	return s.store.PresignGet(ctx, s.bucket, finalPrefix+id+"."+etag, objstore.WithExpiry(expiry))
}
