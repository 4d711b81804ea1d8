package s3

import (
	"context"
	"io"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// UploadPart implements [driver.Store]; the server checks the
// Content-MD5.
func (d *backend) UploadPart(ctx context.Context, bucket, object, uploadID string, number int, r io.Reader, size int64, contentMD5 string) (string, error) {
	p, err := d.core.PutObjectPart(ctx, bucket, object, uploadID, number, r, size,
		minio.PutObjectPartOptions{Md5Base64: contentMD5})
	if err != nil {
		return "", mapError(ctx, err)
	}
	return p.ETag, nil
}

// ListParts implements [driver.Store], following the pages.
func (d *backend) ListParts(ctx context.Context, bucket, object, uploadID string) ([]driver.Part, error) {
	var parts []driver.Part
	marker := 0
	for {
		res, err := d.core.ListObjectParts(ctx, bucket, object, uploadID, marker, 1000)
		if err != nil {
			return nil, mapError(ctx, err)
		}
		for _, p := range res.ObjectParts {
			parts = append(parts, driver.Part{Number: p.PartNumber, Size: p.Size, ETag: driver.TrimETag(p.ETag)})
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= marker {
			return parts, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// ListUploads implements [driver.Store], following the pages. For one
// object it lists by prefix and keeps the exact key.
func (d *backend) ListUploads(ctx context.Context, bucket, object string) ([]driver.Upload, error) {
	var ups []driver.Upload
	keyMarker, idMarker := "", ""
	for {
		res, err := d.core.ListMultipartUploads(ctx, bucket, object, keyMarker, idMarker, "", 1000)
		if err != nil {
			return nil, mapError(ctx, err)
		}
		for _, u := range res.Uploads {
			if object == "" || u.Key == object {
				ups = append(ups, driver.Upload{Bucket: bucket, Object: u.Key, ID: u.UploadID, Initiated: u.Initiated})
			}
		}
		if !res.IsTruncated || (res.NextKeyMarker == keyMarker && res.NextUploadIDMarker == idMarker) {
			return ups, nil
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
}

// CompleteUpload implements [driver.Store]; with IfAbsent it sends
// If-None-Match: *, so the server refuses an existing object atomically.
func (d *backend) CompleteUpload(ctx context.Context, bucket, object, uploadID string, parts []driver.Part, w driver.WriteInfo) (string, error) {
	cp := make([]minio.CompletePart, len(parts))
	for i, p := range parts {
		cp[i] = minio.CompletePart{PartNumber: p.Number, ETag: p.ETag}
	}
	opts := minio.PutObjectOptions{}
	if w.IfAbsent {
		opts.SetMatchETagExcept("*")
	}
	ui, err := d.core.CompleteMultipartUpload(ctx, bucket, object, uploadID, cp, opts)
	if err != nil {
		return "", mapError(ctx, err)
	}
	return ui.ETag, nil
}

// AbortUpload implements [driver.Store].
func (d *backend) AbortUpload(ctx context.Context, bucket, object, uploadID string) error {
	return mapError(ctx, d.core.AbortMultipartUpload(ctx, bucket, object, uploadID))
}
