package objstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

func (s *portable) InitUpload(ctx context.Context, bucket, object string, opts ...WriteOption) (string, error) {
	if err := s.object(bucket, object); err != nil {
		return "", err
	}
	var w writeConfig
	for _, o := range opts {
		o(&w)
	}
	if w.IfAbsent {
		return "", fmt.Errorf("%w: IfAbsent applies to Put, not to InitUpload", ErrInvalidArgument)
	}
	if err := checkWrite(w); err != nil {
		return "", err
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

func (s *portable) PresignPart(ctx context.Context, bucket, object, uploadID string, number int, opts ...PresignOption) (string, error) {
	if err := s.object(bucket, object); err != nil {
		return "", err
	}
	if number < 1 || number > MaxParts {
		return "", fmt.Errorf("%w: part number %d not in [1, %d]", ErrInvalidArgument, number, MaxParts)
	}
	if uploadID == "" {
		return "", fmt.Errorf("%w: empty upload id", ErrUploadNotFound)
	}
	c, err := presignOptions(ctx, opts)
	if err != nil {
		return "", err
	}
	return s.d.Presign(ctx, driver.PresignRequest{Method: http.MethodPut, Bucket: bucket, Object: object,
		UploadID: uploadID, PartNumber: number, ContentMD5: c.md5, Expiry: c.expiry})
}

func (s *portable) ListParts(ctx context.Context, bucket, object, uploadID string) ([]Part, error) {
	if err := s.object(bucket, object); err != nil {
		return nil, err
	}
	if uploadID == "" {
		return nil, fmt.Errorf("%w: empty upload id", ErrUploadNotFound)
	}
	parts, err := s.d.ListParts(ctx, bucket, object, uploadID)
	if err != nil {
		return nil, err
	}
	out := make([]Part, len(parts))
	for i, p := range parts {
		out[i] = Part(p)
	}
	return out, nil
}

func (s *portable) ListUploads(ctx context.Context, bucket, object string) ([]Upload, error) {
	if err := s.object(bucket, object); err != nil {
		return nil, err
	}
	return s.listUploads(ctx, bucket, object)
}

func (s *portable) listUploads(ctx context.Context, bucket, object string) ([]Upload, error) {
	ups, err := s.d.ListUploads(ctx, bucket, object)
	if err != nil {
		return nil, err
	}
	out := make([]Upload, len(ups))
	for i, u := range ups {
		out[i] = Upload(u)
	}
	return out, nil
}

func (s *portable) ListBucketUploads(ctx context.Context, bucket string) ([]Upload, error) {
	if err := s.bucket(bucket); err != nil {
		return nil, err
	}
	return s.listUploads(ctx, bucket, "")
}

func (s *portable) CompleteUpload(ctx context.Context, bucket, object, uploadID string, opts ...CompleteOption) error {
	if err := s.object(bucket, object); err != nil {
		return err
	}
	c, err := completeOptions(opts)
	if err != nil {
		return err
	}
	if uploadID == "" {
		return fmt.Errorf("%w: empty upload id", ErrUploadNotFound)
	}
	parts, err := s.d.ListParts(ctx, bucket, object, uploadID)
	if err != nil {
		return err
	}
	if err := checkParts(parts, c.parts, c.partSize); err != nil {
		return err
	}
	_, err = s.d.CompleteUpload(ctx, bucket, object, uploadID, parts, driver.WriteInfo{})
	return err
}

// checkParts checks parts (in part number order) as CompleteUpload does: at
// least one part; with count > 0 exactly count parts numbered 1 to count;
// with size > 0 every part but the last of exactly size bytes and the last of
// at most size bytes. It returns an error wrapping [ErrPartsMismatch] that
// names the first broken rule.
func checkParts(parts []driver.Part, count int, size int64) error {
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

func (s *portable) AbortUpload(ctx context.Context, bucket, object, uploadID string) error {
	if err := s.object(bucket, object); err != nil {
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
