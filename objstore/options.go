package objstore

import (
	"fmt"
	"strings"
	"time"
)

// Part size limits of S3 multipart uploads, which every implementation
// follows.
const (
	MinPartSize = 5 << 20 // every part but the last must be at least this large
	MaxPartSize = 5 << 30
	MaxParts    = 10000
)

// Defaults of the [Store] options.
const (
	DefaultPartSize       = 16 << 20
	DefaultPutConcurrency = 4
	DefaultExpiry         = 15 * time.Minute
	MaxExpiry             = 7 * 24 * time.Hour
)

// Option configures a [Store].
type Option func(*config) error

type config struct {
	ids         IDRules
	partSize    int64
	concurrency int
}

// WithIDRules sets the id rules. Default: [DefaultBucketID] and
// [DefaultObjectID].
func WithIDRules(r IDRules) Option {
	return func(c *config) error { c.ids = r; return nil }
}

// WithPartSize sets the part size of streaming [Store.Put]: objects larger
// than it go up as multipart uploads of parts this large. Default
// [DefaultPartSize] (16 MiB); it must lie in [MinPartSize, MaxPartSize].
func WithPartSize(n int64) Option {
	return func(c *config) error {
		if n < MinPartSize || n > MaxPartSize {
			return fmt.Errorf("%w: part size %d not in [%d, %d]", ErrInvalidArgument, n, MinPartSize, int64(MaxPartSize))
		}
		c.partSize = n
		return nil
	}
}

// WithPutConcurrency sets how many parts one streaming [Store.Put] uploads
// at the same time; it holds that many parts (plus one being read) in
// memory. Default [DefaultPutConcurrency] (4); at least 1.
func WithPutConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: put concurrency %d < 1", ErrInvalidArgument, n)
		}
		c.concurrency = n
		return nil
	}
}

// WriteOption configures [Store.Put] and [Store.InitUpload].
type WriteOption func(*WriteInfo)

// WithContentType sets the content type. Default: none (the backend's
// default, usually application/octet-stream).
func WithContentType(t string) WriteOption {
	return func(w *WriteInfo) { w.ContentType = t }
}

// WithMetadata sets user metadata; keys are stored in lower case. Keys are
// HTTP header tokens (letters, digits and !#$%&'*+-.^_`|~) and values have
// no control characters, else the write fails with [ErrInvalidArgument].
// Default: none.
func WithMetadata(m map[string]string) WriteOption {
	return func(w *WriteInfo) {
		if w.Metadata == nil {
			w.Metadata = make(map[string]string, len(m))
		}
		for k, v := range m {
			w.Metadata[strings.ToLower(k)] = v
		}
	}
}

// IfAbsent makes the write fail with [ErrObjectExists] when the object
// already exists. Default: writes replace existing objects.
func IfAbsent() WriteOption {
	return func(w *WriteInfo) { w.IfAbsent = true }
}

// GetOption configures [Store.Get].
type GetOption func(*getConfig)

type getConfig struct {
	offset, length int64
	noVerify       bool
}

// WithRange reads length bytes from offset; length -1 reads to the end.
// Default: the whole object. Ranged reads are not checksum-verified.
func WithRange(offset, length int64) GetOption {
	return func(g *getConfig) { g.offset, g.length = offset, length }
}

// WithoutVerification skips the checksum check of a whole-object read, for
// callers that verify the bytes another way (their own digest, a checksum
// stored with the record). Hashing costs about as much CPU as the transfer
// itself on fast links. Default: whole-object reads are verified.
func WithoutVerification() GetOption {
	return func(g *getConfig) { g.noVerify = true }
}

// CopyOption configures [Store.Copy].
type CopyOption func(*copyConfig)

type copyConfig struct{ overwrite bool }

// WithOverwrite lets [Store.Copy] replace an existing destination. Default:
// an existing destination fails with [ErrObjectExists].
func WithOverwrite() CopyOption {
	return func(c *copyConfig) { c.overwrite = true }
}

// DeleteBucketOption configures [Store.DeleteBucket].
type DeleteBucketOption func(*deleteBucketConfig)

type deleteBucketConfig struct{ content bool }

// WithContent makes [Store.DeleteBucket] first abort every multipart upload
// and delete every object of the bucket. Default: a bucket that is not empty
// fails with [ErrBucketNotEmpty].
func WithContent() DeleteBucketOption {
	return func(c *deleteBucketConfig) { c.content = true }
}

// PresignOption configures the presigning methods.
type PresignOption func(*presignConfig)

type presignConfig struct {
	expiry time.Duration
	md5    string
}

// WithExpiry sets how long a presigned URL stays valid, between one second
// and [MaxExpiry]. Default [DefaultExpiry] (15 minutes).
func WithExpiry(d time.Duration) PresignOption {
	return func(p *presignConfig) { p.expiry = d }
}

// WithContentMD5 binds a presigned PUT or part upload to the base64 MD5 of
// the body: the client must send it as the Content-MD5 header and the server
// rejects a body that does not match. Default: no MD5 required.
func WithContentMD5(base64MD5 string) PresignOption {
	return func(p *presignConfig) { p.md5 = base64MD5 }
}

// CompleteOption configures [Store.CompleteUpload].
type CompleteOption func(*completeConfig)

type completeConfig struct {
	parts    int
	partSize int64
}

// WithPartCount makes [Store.CompleteUpload] fail with [ErrPartsMismatch]
// unless exactly n parts, numbered 1 to n, were uploaded. Default: any
// number of parts.
func WithPartCount(n int) CompleteOption {
	return func(c *completeConfig) { c.parts = n }
}

// WithAnticipatedPartSize makes [Store.CompleteUpload] fail with
// [ErrPartsMismatch] unless every part but the last has exactly size bytes
// and the last has at most size bytes. Default: no size check.
func WithAnticipatedPartSize(size int64) CompleteOption {
	return func(c *completeConfig) { c.partSize = size }
}

// checkMetadata reports keys and values that cannot travel as HTTP headers.
func checkMetadata(m map[string]string) error {
	for k, v := range m {
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !isTokenChar(r) }) >= 0 {
			return fmt.Errorf("%w: metadata key %q is not an HTTP token", ErrInvalidArgument, k)
		}
		if strings.IndexFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) >= 0 {
			return fmt.Errorf("%w: metadata value of %q has control characters", ErrInvalidArgument, k)
		}
	}
	return nil
}

func isTokenChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}
