package objstore

import (
	"fmt"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// Limits of S3, which every implementation follows.
const (
	// MinPartSize is the least size of every part of a multipart upload
	// but the last (5 MiB).
	MinPartSize = driver.MinPartSize
	// MaxPartSize is the largest part, and the largest form upload (5 GiB).
	MaxPartSize = driver.MaxPartSize
	// MaxParts is the highest part number (10000).
	MaxParts = driver.MaxParts
	// MaxExpiry is the longest a presigned URL stays valid (7 days).
	MaxExpiry = 7 * 24 * time.Hour
	// MaxMetadataSize is the most bytes the keys and values of an object's
	// user metadata may have together, where each of the characters <, >
	// and & counts as 6 bytes and each of " and \ as 2 (S3 servers that
	// keep metadata as JSON in file attributes, as versitygw does, store
	// them escaped). S3 allows 2 KiB; the store keeps the rest for what it
	// records itself.
	MaxMetadataSize = 2000
	// MaxMetadataKeys is the most user metadata keys an object may have.
	// S3 servers read at most 8 KiB of request headers (versitygw), where
	// a write sends each key twice (as a header and in the signature) next
	// to an id of up to 3 KiB once percent-encoded; within this limit and
	// MaxMetadataKeySize every write fits.
	MaxMetadataKeys = 16
	// MaxMetadataKeySize is the most bytes of one user metadata key (see
	// MaxMetadataKeys).
	MaxMetadataKeySize = 64
	// MaxContentTypeSize is the most bytes of a content type. S3 servers
	// keep it in the request headers and in file attributes (about 4 KiB
	// on versitygw over ext4, shared with the metadata).
	MaxContentTypeSize = 256
)

// Defaults of the options.
const (
	// DefaultPartSize is the part size of streaming Put (16 MiB).
	DefaultPartSize = 16 << 20
	// DefaultPutConcurrency is how many parts one Put uploads at a time.
	DefaultPutConcurrency = 4
	// DefaultExpiry is how long a presigned URL stays valid.
	DefaultExpiry = 15 * time.Minute
)

// Option configures a store; provider constructors accept it. An invalid
// value fails the constructor with [ErrInvalidOption].
type Option func(*config)

type config struct {
	ids         IDRules
	partSize    int64
	concurrency int
}

func newConfig(opts []Option) (config, error) {
	c := config{partSize: DefaultPartSize, concurrency: DefaultPutConcurrency}
	for _, o := range opts {
		o(&c)
	}
	switch {
	case c.partSize < MinPartSize || c.partSize > MaxPartSize:
		return c, fmt.Errorf("%w: part size %d not in [%d, %d]", ErrInvalidOption, c.partSize, MinPartSize, int64(MaxPartSize))
	case c.concurrency < 1:
		return c, fmt.Errorf("%w: put concurrency %d < 1", ErrInvalidOption, c.concurrency)
	}
	return c, nil
}

// WithIDRules sets the id rules. Default: [DefaultBucketID] and
// [DefaultObjectID].
func WithIDRules(r IDRules) Option {
	return func(c *config) { c.ids = r }
}

// WithPartSize sets the part size of streaming [Store.Put]: objects larger
// than it go up as multipart uploads of parts this large. Default
// [DefaultPartSize] (16 MiB); it must lie in [MinPartSize, MaxPartSize].
func WithPartSize(n int64) Option {
	return func(c *config) { c.partSize = n }
}

// WithPutConcurrency sets how many parts one streaming [Store.Put] uploads
// at the same time; it holds that many parts (plus one being read) in
// memory. Default [DefaultPutConcurrency] (4); at least 1.
func WithPutConcurrency(n int) Option {
	return func(c *config) { c.concurrency = n }
}

// WriteOption configures [Store.Put] and [Store.InitUpload].
type WriteOption func(*writeConfig)

type writeConfig = driver.WriteInfo

// WithContentType sets the content type: at most [MaxContentTypeSize]
// (256) bytes of valid UTF-8 without control characters (tabs included),
// without white space other than the ASCII space (no U+00A0, U+3000, ...)
// and without leading or trailing spaces; anything else fails the write
// with [ErrInvalidArgument]. Default:
// application/octet-stream (an upload through a presigned URL or form
// without a content type gets S3's binary/octet-stream instead).
func WithContentType(t string) WriteOption {
	return func(w *writeConfig) { w.ContentType = t }
}

// WithMetadata sets user metadata; keys are stored in lower case. Keys are
// HTTP header tokens (letters, digits and !#$%&'*+-.^_`|~) that S3 clients
// send as metadata: not starting with "x-amz-" or "x-minio-" and none of
// content-type, cache-control, content-disposition, content-encoding,
// content-language and expires (sent as headers of their own, which the
// server drops or applies to the object). Values are valid UTF-8 without
// control characters (tabs included), without white space other than the
// ASCII space (which breaks the request's signature), without leading or
// trailing spaces (which S3 would drop), and not starting with "=?"
// (which S3 clients decode as an RFC 2047 encoded word). At most
// [MaxMetadataKeys] (16) keys of at most [MaxMetadataKeySize] (64) bytes;
// keys and values have at most [MaxMetadataSize] (2000) bytes together,
// each of <, > and & counting as 6 bytes and each of " and \ as 2.
// Anything else fails the write with [ErrInvalidArgument]. Default: none.
func WithMetadata(m map[string]string) WriteOption {
	return func(w *writeConfig) {
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
	return func(w *writeConfig) { w.IfAbsent = true }
}

// GetOption configures [Store.Get].
type GetOption func(*getConfig)

type getConfig struct {
	offset, length int64
	noVerify       bool
}

// WithRange reads length bytes from offset; length -1 reads to the end.
// offset is at least 0 and length at least 1 or -1: a negative offset, a
// length below -1 and a zero length (HTTP ranges cannot be empty) fail
// [Store.Get] with [ErrInvalidArgument], as does an offset at or beyond
// the end of the object (WithRange(0, -1) reads the whole object, also an
// empty one). A range that runs past the end reads to the end.
// Default: the whole object. Ranged reads are not checksum-verified.
func WithRange(offset, length int64) GetOption {
	return func(g *getConfig) { g.offset, g.length = offset, length }
}

// WithoutVerification skips the checksum check of a whole-object read, for
// callers that verify the bytes another way (their own digest, a checksum
// stored with the record). Hashing runs next to the transfer, so a verified
// read is about as fast as MD5 hashing on one core when the link is faster
// than that, but it takes that core. Default: whole-object reads are
// verified.
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
	hasMD5 bool
}

// WithExpiry sets how long a presigned URL or form stays valid: a whole
// number of seconds, from one second to [MaxExpiry]; anything else fails
// the presigning call with [ErrInvalidArgument]. As in SigV4, whose dates
// have whole seconds, the time counts from the start of the second the URL
// was presigned in, so it expires between d minus one second and d after
// the call. Default [DefaultExpiry] (15 minutes).
func WithExpiry(d time.Duration) PresignOption {
	return func(p *presignConfig) { p.expiry = d }
}

// WithContentMD5 binds a presigned PUT or part upload to the base64 MD5 of
// the body: the client must send it as the Content-MD5 header and the server
// rejects a body that does not match; [Store.PresignGet] and
// [Store.PresignPost] ignore it. The value must be the standard base64
// encoding of 16 bytes (24 characters), as S3 requires of the header, else
// the presigning call fails with [ErrInvalidArgument]. Default: no MD5
// required.
func WithContentMD5(base64MD5 string) PresignOption {
	return func(p *presignConfig) { p.md5, p.hasMD5 = base64MD5, true }
}

// CompleteOption configures [Store.CompleteUpload].
type CompleteOption func(*completeConfig)

type completeConfig struct {
	parts             int
	partSize          int64
	hasParts, hasSize bool
}

// WithPartCount makes [Store.CompleteUpload] fail with [ErrPartsMismatch]
// unless exactly n parts, numbered 1 to n, were uploaded. n runs from 1 to
// [MaxParts]; any other n fails the call with [ErrInvalidArgument]. Default:
// any number of parts.
func WithPartCount(n int) CompleteOption {
	return func(c *completeConfig) { c.parts, c.hasParts = n, true }
}

// WithAnticipatedPartSize makes [Store.CompleteUpload] fail with
// [ErrPartsMismatch] unless every part but the last has exactly size bytes
// and the last has at most size bytes. size runs from 1 to [MaxPartSize];
// any other size fails the call with [ErrInvalidArgument]. Default: no size
// check.
func WithAnticipatedPartSize(size int64) CompleteOption {
	return func(c *completeConfig) { c.partSize, c.hasSize = size, true }
}

// completeOptions applies and checks the options of CompleteUpload.
func completeOptions(opts []CompleteOption) (completeConfig, error) {
	var c completeConfig
	for _, o := range opts {
		o(&c)
	}
	switch {
	case c.hasParts && (c.parts < 1 || c.parts > MaxParts):
		return c, fmt.Errorf("%w: anticipated part count %d not in [1, %d]", ErrInvalidArgument, c.parts, MaxParts)
	case c.hasSize && (c.partSize < 1 || c.partSize > MaxPartSize):
		return c, fmt.Errorf("%w: anticipated part size %d not in [1, %d]", ErrInvalidArgument, c.partSize, int64(MaxPartSize))
	}
	return c, nil
}
