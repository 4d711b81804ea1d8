package objstore

import (
	"context"
	"errors"
	"fmt"
)

// InitUpload starts a multipart upload and returns its id: [ErrUploadActive]
// when the object has an active upload already. Content type and metadata
// apply to the object the upload completes into; [IfAbsent] is for Put
// only and fails here with [ErrInvalidArgument].
//
// The check for an active upload and the start are two steps on every
// backend (S3 has no condition for it): two concurrent InitUpload calls for
// one object may both succeed.
func (s *Store) InitUpload(ctx context.Context, bucket, object string, opts ...WriteOption) (string, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return "", err
	}
	var w WriteInfo
	for _, o := range opts {
		o(&w)
	}
	if w.IfAbsent {
		return "", fmt.Errorf("%w: IfAbsent applies to Put, not to InitUpload", ErrInvalidArgument)
	}
	ups, err := s.d.ListUploads(ctx, bucket, object)
	if err != nil {
		return "", err
	}
	if len(ups) > 0 {
		return "", fmt.Errorf("%w: %s/%s has upload %s", ErrUploadActive, bucket, object, ups[0].ID)
	}
	return s.d.InitUpload(ctx, bucket, object, w)
}

// PresignPart returns a URL that uploads part number (1 to [MaxParts]) of
// the upload with a plain PUT until it expires; with [WithContentMD5] the
// request must carry that Content-MD5. Presigning does not contact the
// server: an unknown upload id fails when the URL is used.
func (s *Store) PresignPart(ctx context.Context, bucket, object, uploadID string, number int, opts ...PresignOption) (string, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return "", err
	}
	if number < 1 || number > MaxParts {
		return "", fmt.Errorf("%w: part number %d not in [1, %d]", ErrInvalidArgument, number, MaxParts)
	}
	if uploadID == "" {
		return "", fmt.Errorf("%w: empty upload id", ErrUploadNotFound)
	}
	c, err := presignOptions(opts)
	if err != nil {
		return "", err
	}
	return s.d.Presign(ctx, PresignRequest{Method: "PUT", Bucket: bucket, Object: object,
		UploadID: uploadID, PartNumber: number, ContentMD5: c.md5, Expiry: c.expiry})
}

// ListParts lists the uploaded parts of an upload in part number order:
// [ErrUploadNotFound] when the upload is not active.
func (s *Store) ListParts(ctx context.Context, bucket, object, uploadID string) ([]Part, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return nil, err
	}
	if uploadID == "" {
		return nil, fmt.Errorf("%w: empty upload id", ErrUploadNotFound)
	}
	return s.d.ListParts(ctx, bucket, object, uploadID)
}

// ListUploads lists the active uploads of one object.
func (s *Store) ListUploads(ctx context.Context, bucket, object string) ([]Upload, error) {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return nil, err
	}
	return s.d.ListUploads(ctx, bucket, object)
}

// ListBucketUploads lists the active uploads of every object in the bucket.
func (s *Store) ListBucketUploads(ctx context.Context, bucket string) ([]Upload, error) {
	if err := s.cfg.ids.bucket(bucket); err != nil {
		return nil, err
	}
	return s.d.ListUploads(ctx, bucket, "")
}

// CompleteUpload assembles the uploaded parts into the object. It fails
// with [ErrPartsMismatch] when no part was uploaded, when the parts break
// [WithPartCount] or [WithAnticipatedPartSize], or when the server refuses
// them (a part but the last smaller than [MinPartSize]); the upload then
// stays active. [ErrUploadNotFound] when the upload is not active.
func (s *Store) CompleteUpload(ctx context.Context, bucket, object, uploadID string, opts ...CompleteOption) error {
	var c completeConfig
	for _, o := range opts {
		o(&c)
	}
	parts, err := s.ListParts(ctx, bucket, object, uploadID)
	if err != nil {
		return err
	}
	if err := CheckParts(parts, c.parts, c.partSize); err != nil {
		return err
	}
	_, err = s.d.CompleteUpload(ctx, bucket, object, uploadID, parts, WriteInfo{})
	return err
}

// CheckParts checks parts (in part number order) as [Store.CompleteUpload]
// does: at least one part; with count > 0 exactly count parts numbered 1 to
// count; with size > 0 every part but the last of exactly size bytes and the
// last of at most size bytes. It returns an error wrapping
// [ErrPartsMismatch] that names the first broken rule.
func CheckParts(parts []Part, count int, size int64) error {
	if len(parts) == 0 {
		return fmt.Errorf("%w: no parts uploaded", ErrPartsMismatch)
	}
	if count > 0 {
		if len(parts) != count {
			return fmt.Errorf("%w: %d parts uploaded, %d anticipated", ErrPartsMismatch, len(parts), count)
		}
		for i, p := range parts {
			if p.Number != i+1 {
				return fmt.Errorf("%w: part %d missing", ErrPartsMismatch, i+1)
			}
		}
	}
	if size > 0 {
		last := len(parts) - 1
		for i, p := range parts[:last] {
			if p.Size != size {
				return fmt.Errorf("%w: part %d has %d bytes, %d anticipated", ErrPartsMismatch, parts[i].Number, p.Size, size)
			}
		}
		if parts[last].Size > size {
			return fmt.Errorf("%w: last part %d has %d bytes, more than the anticipated %d", ErrPartsMismatch, parts[last].Number, parts[last].Size, size)
		}
	}
	return nil
}

// AbortUpload aborts an upload and deletes its parts: [ErrUploadNotFound]
// when it is not active. It then checks that no part remains (a part whose
// upload was in flight may survive an abort on S3), aborting again up to
// three times before it reports an error.
func (s *Store) AbortUpload(ctx context.Context, bucket, object, uploadID string) error {
	if err := s.cfg.ids.object(bucket, object); err != nil {
		return err
	}
	if uploadID == "" {
		return fmt.Errorf("%w: empty upload id", ErrUploadNotFound)
	}
	if err := s.d.AbortUpload(ctx, bucket, object, uploadID); err != nil {
		return err
	}
	for range 3 {
		parts, err := s.d.ListParts(ctx, bucket, object, uploadID)
		if errors.Is(err, ErrUploadNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if len(parts) == 0 {
			return nil
		}
		if err := s.d.AbortUpload(ctx, bucket, object, uploadID); err != nil && !errors.Is(err, ErrUploadNotFound) {
			return err
		}
	}
	return fmt.Errorf("objstore: parts of upload %s of %s/%s remain after abort", uploadID, bucket, object)
}
