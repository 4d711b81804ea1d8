// Package registry is the domain core of the fileregistry example: it
// registers files whose bytes clients upload and download themselves,
// through presigned URLs, and announces every file that becomes available.
// It knows nothing of databases, object stores or brokers: it talks to three
// ports, Records, Storage and Announcer, which package translators
// implements with hexkit's protocols.
//
// A file goes through two steps. RequestUpload records it as pending and
// returns a presigned upload form; the client uploads the bytes there.
// ConfirmUpload commits the bytes in storage, announces the file and marks
// it available; from then on DownloadURL hands out presigned download URLs.
// Every failure the client can cause has a sentinel error (ErrUnknownFile,
// ErrUploadMissing, ErrSizeMismatch, ErrUploadChanged, ErrAlreadyConfirmed,
// ErrNotAvailable, ErrInvalidName, ErrInvalidSize); errors of the ports are
// wrapped with what the registry was doing, and context errors come back as
// they are.
//
// # Why uploads are staged
//
// A presigned upload stays usable until it expires, also after the file is
// confirmed, and the registry cannot revoke it. Were uploads written where
// downloads read, a client could replace a confirmed file (downloads would
// serve bytes that the record and the announcement know nothing of) or store
// more than the size limit. So the two places differ:
//
//   - the upload form writes a staging place that is never served, and the
//     storage refuses a file larger than the declared size as it arrives
//     (a POST policy, not a plain PUT, whose size nothing limits);
//   - ConfirmUpload has the storage copy the staged bytes, server side, to
//     the file's final place, which nothing else writes and downloads read,
//     after checking their size, and check that the copy has the ETag of the
//     bytes it checked (else ErrUploadChanged); the staged upload is then
//     deleted.
//
// Whatever a client sends with its upload form afterwards lands in staging,
// at most the declared size, and is never served: a confirmed file is
// immutable.
//
// Left out, as an example may: deleting files, and expiring pending files
// whose upload never came and staged uploads left behind (a sweeper over
// the records' RequestedAt, or a lifecycle rule of the bucket, would).
package registry

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// State is where a file is in its life.
type State string

// The states of a file: pending from RequestUpload until ConfirmUpload
// found its bytes, then available.
const (
	Pending   State = "pending"
	Available State = "available"
)

// File is a registered file.
type File struct {
	ID          string
	Name        string // the client's name for it, not unique
	Size        int64  // declared at request, checked at confirmation
	ETag        string // the storage's ETag, known once available
	State       State
	RequestedAt time.Time
	ConfirmedAt time.Time // zero while pending
	// Version is the records store's optimistic concurrency token: the core
	// passes it back unchanged with every update.
	Version int64
}

// Upload is what a client needs to upload a file's bytes: a
// multipart/form-data POST to URL before Expires with every field of
// Fields, then a field named "file" carrying exactly Size bytes, last; then
// a call to ConfirmUpload. The storage refuses a file larger than Size (of
// an empty file, larger than one byte, which ConfirmUpload then refuses).
// The bytes land in staging: see the package documentation.
type Upload struct {
	FileID  string
	URL     string
	Fields  map[string]string
	Size    int64
	Expires time.Time
}

// Records is the port to the store of file records.
type Records interface {
	// Insert stores a new record.
	Insert(ctx context.Context, f File) error
	// Get returns the record of id, or an error wrapping ErrUnknownFile.
	Get(ctx context.Context, id string) (File, error)
	// Update replaces the stored record of f.ID with f and version
	// f.Version+1, only if f.Version is the stored version; else it returns
	// an error wrapping ErrConflict.
	Update(ctx context.Context, f File) error
}

// Storage is the port to the storage that holds the files' bytes. It
// keeps the bytes of a file in two places: the staging place that uploads
// write and nothing serves, and the final place that only Commit writes and
// downloads read (see the package documentation).
type Storage interface {
	// UploadForm returns a form upload (URL and fields, see Upload) into
	// the staging place of file id, valid until expiry, that the storage
	// refuses for a file larger than maxSize bytes.
	UploadForm(ctx context.Context, id string, maxSize int64, expiry time.Duration) (url string, fields map[string]string, err error)
	// Commit makes the staged upload of file id its final bytes: when it
	// has exactly size bytes, Commit copies it server side to the final
	// place, checks that the copy has the ETag of the bytes it checked,
	// deletes the staged upload and returns the ETag. Errors: wrapping
	// ErrUploadMissing when nothing is staged, ErrSizeMismatch for another
	// size, ErrUploadChanged when the staged upload changed during the
	// copy. When a Commit succeeded and nothing was staged since, Commit
	// again returns the same ETag.
	Commit(ctx context.Context, id string, size int64) (etag string, err error)
	// DownloadURL returns a URL that downloads the final bytes of file id,
	// committed with ETag etag, with a plain GET until it expires.
	DownloadURL(ctx context.Context, id, etag string, expiry time.Duration) (string, error)
}

// Announcer is the port through which the registry tells other services
// that a file became available.
type Announcer interface {
	// FileRegistered announces an available file.
	FileRegistered(ctx context.Context, f File) error
}

// Errors of the registry. Adapters wrap their own errors with these where
// the meaning is the same, so callers test with errors.Is.
var (
	// ErrUnknownFile: no file with this id is registered.
	ErrUnknownFile = errors.New("registry: unknown file")
	// ErrUploadMissing: ConfirmUpload found no uploaded bytes.
	ErrUploadMissing = errors.New("registry: upload missing")
	// ErrSizeMismatch: the uploaded bytes are not the declared size.
	ErrSizeMismatch = errors.New("registry: uploaded size differs from the declared size")
	// ErrUploadChanged: ConfirmUpload found the upload replaced while it
	// committed it; confirming again commits what is staged then.
	ErrUploadChanged = errors.New("registry: upload changed during confirmation")
	// ErrAlreadyConfirmed: ConfirmUpload of a file that is available.
	ErrAlreadyConfirmed = errors.New("registry: upload already confirmed")
	// ErrNotAvailable: DownloadURL of a file whose upload is not confirmed.
	ErrNotAvailable = errors.New("registry: file not available yet")
	// ErrInvalidName: a file name that is empty, too long, not UTF-8 or
	// holds control characters.
	ErrInvalidName = errors.New("registry: invalid file name")
	// ErrInvalidSize: a declared size outside 0 to the registry's maximum.
	ErrInvalidSize = errors.New("registry: invalid file size")
	// ErrConflict: a record changed between read and update (Records).
	ErrConflict = errors.New("registry: concurrent update")
)

// Defaults of the Registry options.
const (
	DefaultMaxSize   = 100 << 20
	DefaultURLExpiry = 15 * time.Minute
)

// MaxNameLength is the longest file name accepted, in bytes.
const MaxNameLength = 255

// Option configures a Registry.
type Option func(*Registry) error

// WithMaxSize sets the largest size a client may declare. Default
// DefaultMaxSize (100 MiB).
func WithMaxSize(n int64) Option {
	return func(r *Registry) error {
		if n < 0 {
			return fmt.Errorf("%w: maximum size %d is negative", ErrInvalidSize, n)
		}
		r.maxSize = n
		return nil
	}
}

// WithURLExpiry sets how long upload and download URLs stay valid. Default
// DefaultURLExpiry (15 minutes).
func WithURLExpiry(d time.Duration) Option {
	return func(r *Registry) error {
		if d < time.Second {
			return fmt.Errorf("registry: URL expiry %s is shorter than a second", d)
		}
		r.expiry = d
		return nil
	}
}

// WithIDs sets the generator of file ids. Default: random UUIDs. The ids
// become object names, so they must suit the storage's rules.
func WithIDs(next func() string) Option {
	return func(r *Registry) error {
		if next == nil {
			return errors.New("registry: nil id generator")
		}
		r.newID = next
		return nil
	}
}

// WithClock sets the clock that stamps records and expiries; the registry
// keeps its times in UTC at millisecond precision. Default time.Now.
func WithClock(now func() time.Time) Option {
	return func(r *Registry) error {
		if now == nil {
			return errors.New("registry: nil clock")
		}
		r.now = now
		return nil
	}
}

// Registry registers files. It is safe for concurrent use when its ports are.
type Registry struct {
	records  Records
	storage  Storage
	announce Announcer
	maxSize  int64
	expiry   time.Duration
	newID    func() string
	now      func() time.Time
}

// New returns a Registry over its three ports.
func New(records Records, storage Storage, announcer Announcer, opts ...Option) (*Registry, error) {
	if records == nil || storage == nil || announcer == nil {
		return nil, errors.New("registry: every port is required")
	}
	r := &Registry{
		records: records, storage: storage, announce: announcer,
		maxSize: DefaultMaxSize, expiry: DefaultURLExpiry,
		newID: func() string { return uuid.NewString() }, now: time.Now,
	}
	for _, o := range opts {
		if err := o(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// RequestUpload registers a pending file of the given name and size and
// returns where to upload its bytes.
func (r *Registry) RequestUpload(ctx context.Context, name string, size int64) (Upload, error) {
	if err := checkName(name); err != nil {
		return Upload{}, err
	}
	if size < 0 || size > r.maxSize {
		return Upload{}, fmt.Errorf("%w: %d bytes (at most %d)", ErrInvalidSize, size, r.maxSize)
	}
	now := r.stamp()
	f := File{ID: r.newID(), Name: name, Size: size, State: Pending, RequestedAt: now}
	// Presign first: it validates the id against the storage's rules and
	// leaves no record behind when it fails. A form cannot limit a file to
	// 0 bytes: an empty file gets 1 and Commit refuses the byte.
	url, fields, err := r.storage.UploadForm(ctx, f.ID, max(size, 1), r.expiry)
	if err != nil {
		return Upload{}, wrap(ctx, err, "presigning the upload of %s", f.ID)
	}
	if err := r.records.Insert(ctx, f); err != nil {
		return Upload{}, wrap(ctx, err, "recording file %s", f.ID)
	}
	return Upload{FileID: f.ID, URL: url, Fields: fields, Size: size, Expires: now.Add(r.expiry)}, nil
}

// ConfirmUpload commits the staged bytes of a pending file when they have
// the declared size (Storage.Commit), announces the file and marks it
// available. The record and the announcement carry the ETag of the
// committed bytes, which no upload can change afterwards.
//
// The announcement comes before the record changes: when the update fails,
// the file stays pending and a retried ConfirmUpload announces it again, so
// other services see every available file at least once (keyed by its id,
// which makes duplicates easy to drop) and never a file that is not stored.
func (r *Registry) ConfirmUpload(ctx context.Context, id string) (File, error) {
	f, err := r.get(ctx, id)
	if err != nil {
		return File{}, err
	}
	if f.State == Available {
		return File{}, fmt.Errorf("%w: file %s", ErrAlreadyConfirmed, id)
	}
	etag, err := r.storage.Commit(ctx, id, f.Size)
	if err != nil {
		return File{}, wrap(ctx, err, "committing the upload of %s", id)
	}
	f.ETag, f.State, f.ConfirmedAt = etag, Available, r.stamp()
	if err := r.announce.FileRegistered(ctx, f); err != nil {
		return File{}, wrap(ctx, err, "announcing file %s", id)
	}
	if err := r.records.Update(ctx, f); err != nil {
		if errors.Is(err, ErrConflict) {
			// Another confirmation won the race; it announced too.
			return File{}, fmt.Errorf("%w: file %s", ErrAlreadyConfirmed, id)
		}
		return File{}, wrap(ctx, err, "recording file %s", id)
	}
	f.Version++
	return f, nil
}

// DownloadURL returns a URL that downloads an available file.
func (r *Registry) DownloadURL(ctx context.Context, id string) (string, error) {
	f, err := r.get(ctx, id)
	if err != nil {
		return "", err
	}
	if f.State != Available {
		return "", fmt.Errorf("%w: file %s", ErrNotAvailable, id)
	}
	url, err := r.storage.DownloadURL(ctx, id, f.ETag, r.expiry)
	if err != nil {
		return "", wrap(ctx, err, "presigning the download of %s", id)
	}
	return url, nil
}

// File returns the record of a file.
func (r *Registry) File(ctx context.Context, id string) (File, error) {
	return r.get(ctx, id)
}

func (r *Registry) get(ctx context.Context, id string) (File, error) {
	f, err := r.records.Get(ctx, id)
	if err != nil {
		if errors.Is(err, ErrUnknownFile) {
			return File{}, err
		}
		return File{}, wrap(ctx, err, "reading file %s", id)
	}
	return f, nil
}

// stamp returns the time to record: in UTC at millisecond precision, as
// databases keep it, so a record read back equals the one written.
func (r *Registry) stamp() time.Time {
	return r.now().UTC().Truncate(time.Millisecond)
}

// wrap adds what the registry was doing to a port's error; the context's
// own error comes back as it is, so callers can compare it directly.
func wrap(ctx context.Context, err error, format string, args ...any) error {
	if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
		return cerr
	}
	return fmt.Errorf("registry: "+format+": %w", append(args, err)...)
}

func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case len(name) > MaxNameLength:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidName, MaxNameLength)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: not UTF-8", ErrInvalidName)
	}
	for _, c := range name {
		if unicode.IsControl(c) {
			return fmt.Errorf("%w: %q holds a control character", ErrInvalidName, name)
		}
	}
	return nil
}
