package translators

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/objstore"
)

// Storage implements registry.Storage with an object store: the bytes of
// file id are the object id in one bucket, and clients move them with the
// store's presigned URLs.
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

// UploadURL implements registry.Storage with a presigned PUT.
func (s *Storage) UploadURL(ctx context.Context, id string, expiry time.Duration) (string, error) {
	return s.store.PresignPut(ctx, s.bucket, id, objstore.WithExpiry(expiry))
}

// Stat implements registry.Storage: a missing object is
// registry.ErrUploadMissing.
func (s *Storage) Stat(ctx context.Context, id string) (int64, string, error) {
	info, err := s.store.Stat(ctx, s.bucket, id)
	if errors.Is(err, objstore.ErrObjectNotFound) {
		return 0, "", fmt.Errorf("%w: %w", registry.ErrUploadMissing, err)
	}
	if err != nil {
		return 0, "", err
	}
	return info.Size, info.ETag, nil
}

// DownloadURL implements registry.Storage with a presigned GET.
func (s *Storage) DownloadURL(ctx context.Context, id string, expiry time.Duration) (string, error) {
	return s.store.PresignGet(ctx, s.bucket, id, objstore.WithExpiry(expiry))
}
