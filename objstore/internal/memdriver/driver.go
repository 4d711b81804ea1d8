package memdriver

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

const pageSize = 1000

// Driver is an in-memory object store: a [driver.Store] that keeps the
// bytes, and the [http.Handler] that serves its presigned URLs. It is safe
// for concurrent use.
type Driver struct {
	key []byte
	now func() time.Time

	mu      sync.Mutex
	base    string
	buckets map[string]*bucket
	seq     int
}

type bucket struct {
	objects map[string]*object
	uploads map[string]*upload
}

type object struct {
	data  []byte // never modified once stored; copies share it
	etag  string
	ctype string
	meta  map[string]string
	mod   time.Time // to the clock's precision; reported in whole seconds
}

type upload struct {
	object    string
	id        string
	info      driver.WriteInfo
	parts     map[int]*part
	initiated time.Time
}

type part struct {
	data []byte
	etag string
}

// New returns an empty Driver with a random signing key. now is the clock
// that stamps objects and expires URLs; nil means time.Now. Presigned URLs
// start with base, the URL of the server that serves the Driver.
func New(now func() time.Time, base string) *Driver {
	if now == nil {
		now = time.Now
	}
	f := &Driver{key: make([]byte, 32), now: now, base: strings.TrimRight(base, "/"), buckets: map[string]*bucket{}}
	_, _ = rand.Read(f.key)
	return f
}

// As supports no native type: it always reports false.
func (f *Driver) As(any) bool { return false }

// Close does nothing: the Driver holds only memory.
func (f *Driver) Close() error { return nil }

var _ driver.Store = (*Driver)(nil)

func notFoundBucket(b string) error { return fmt.Errorf("%w: %s", driver.ErrBucketNotFound, b) }

func notFoundObject(b, o string) error {
	return fmt.Errorf("%w: %s/%s", driver.ErrObjectNotFound, b, o)
}

// lookup returns the bucket; the caller holds f.mu.
func (f *Driver) lookup(name string) (*bucket, error) {
	b := f.buckets[name]
	if b == nil {
		return nil, notFoundBucket(name)
	}
	return b, nil
}

// CreateBucket implements [driver.Store].
func (f *Driver) CreateBucket(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.buckets[name] != nil {
		return fmt.Errorf("%w: %s", driver.ErrBucketExists, name)
	}
	f.buckets[name] = &bucket{objects: map[string]*object{}, uploads: map[string]*upload{}}
	return nil
}

// BucketExists implements [driver.Store].
func (f *Driver) BucketExists(ctx context.Context, name string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buckets[name] != nil, nil
}

// DeleteBucket implements [driver.Store].
func (f *Driver) DeleteBucket(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.lookup(name)
	if err != nil {
		return err
	}
	if len(b.objects) > 0 || len(b.uploads) > 0 {
		return fmt.Errorf("%w: %s", driver.ErrBucketNotEmpty, name)
	}
	delete(f.buckets, name)
	return nil
}

func (o *object) info(b, id string) driver.ObjectInfo {
	return driver.ObjectInfo{Bucket: b, ID: id, Size: int64(len(o.data)), ETag: o.etag, ContentType: o.ctype,
		LastModified: o.mod.Truncate(time.Second), Metadata: maps.Clone(o.meta)}
}

// Stat implements [driver.Store].
func (f *Driver) Stat(ctx context.Context, b, id string) (driver.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return driver.ObjectInfo{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return driver.ObjectInfo{}, err
	}
	o := bk.objects[id]
	if o == nil {
		return driver.ObjectInfo{}, notFoundObject(b, id)
	}
	return o.info(b, id), nil
}

// List implements [driver.Store]: it takes the ids page by page (1000
// at a time), so the loop may change the bucket between pages.
func (f *Driver) List(ctx context.Context, b, prefix string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		after := ""
		for {
			ids, err := f.page(ctx, b, prefix, after)
			if err != nil {
				yield("", err)
				return
			}
			for _, id := range ids {
				if !yield(id, nil) {
					return
				}
			}
			if len(ids) < pageSize {
				return
			}
			after = ids[len(ids)-1]
		}
	}
}

func (f *Driver) page(ctx context.Context, b, prefix, after string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return nil, err
	}
	var ids []string
	for id := range bk.objects {
		if strings.HasPrefix(id, prefix) && id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > pageSize {
		ids = ids[:pageSize]
	}
	return ids, nil
}

// Copy implements [driver.Store]; without overwrite it refuses an
// existing destination atomically.
func (f *Driver) Copy(ctx context.Context, sb, so, db, do string, overwrite bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	src, err := f.lookup(sb)
	if err != nil {
		return err
	}
	dst, err := f.lookup(db)
	if err != nil {
		return err
	}
	o := src.objects[so]
	if o == nil {
		return notFoundObject(sb, so)
	}
	if dst.objects[do] != nil && !overwrite {
		return fmt.Errorf("%w: %s/%s", driver.ErrObjectExists, db, do)
	}
	c := *o
	c.meta = maps.Clone(o.meta)
	c.mod = f.now()
	// S3 stores a copy as one part: a multipart source's copy gets the
	// MD5 of its bytes as its ETag.
	if strings.Contains(o.etag, "-") {
		c.etag = md5hex(o.data)
	}
	dst.objects[do] = &c
	return nil
}

// Delete implements [driver.Store].
func (f *Driver) Delete(ctx context.Context, b, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return err
	}
	delete(bk.objects, id)
	return nil
}

// readAll reads exactly size bytes of r, or all of r when size < 0,
// returning early when ctx is done.
func readAll(ctx context.Context, r io.Reader, size int64) ([]byte, error) {
	var buf bytes.Buffer
	if size > 0 {
		buf.Grow(int(size))
	}
	src := r
	if size >= 0 {
		src = io.LimitReader(r, size)
	}
	chunk := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := src.Read(chunk)
		buf.Write(chunk[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if size >= 0 && int64(buf.Len()) != size {
		return nil, fmt.Errorf("%w: body has %d bytes, %d announced", driver.ErrInvalidArgument, buf.Len(), size)
	}
	return buf.Bytes(), nil
}

func md5hexBytes(b []byte) []byte {
	s := md5.Sum(b)
	return s[:]
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// store puts an object; the caller holds f.mu.
func (f *Driver) store(b, id string, data []byte, etag string, info driver.WriteInfo) error {
	bk, err := f.lookup(b)
	if err != nil {
		return err
	}
	if info.IfAbsent && bk.objects[id] != nil {
		return fmt.Errorf("%w: %s/%s", driver.ErrObjectExists, b, id)
	}
	meta := map[string]string{}
	for k, v := range info.Metadata {
		meta[strings.ToLower(k)] = v
	}
	ctype := info.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	bk.objects[id] = &object{data: data, etag: etag, ctype: ctype, meta: meta, mod: f.now()}
	return nil
}

// Put implements [driver.Store].
func (f *Driver) Put(ctx context.Context, b, id string, r io.Reader, size int64, info driver.WriteInfo) (string, error) {
	if ok, err := f.BucketExists(ctx, b); err != nil || !ok {
		if err == nil {
			err = notFoundBucket(b)
		}
		return "", err
	}
	data, err := readAll(ctx, r, size)
	if err != nil {
		return "", err
	}
	etag := md5hex(data)
	f.mu.Lock()
	defer f.mu.Unlock()
	return etag, f.store(b, id, data, etag, info)
}

// Get implements [driver.Store].
func (f *Driver) Get(ctx context.Context, b, id string, offset, length int64) (io.ReadCloser, driver.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, driver.ObjectInfo{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return nil, driver.ObjectInfo{}, err
	}
	o := bk.objects[id]
	if o == nil {
		return nil, driver.ObjectInfo{}, notFoundObject(b, id)
	}
	size := int64(len(o.data))
	if (offset > 0 || length > 0) && offset >= size {
		return nil, driver.ObjectInfo{}, fmt.Errorf("%w: offset %d beyond object of %d bytes", driver.ErrInvalidArgument, offset, size)
	}
	end := size
	if length >= 0 && offset+length < size {
		end = offset + length
	}
	return &ctxReader{ctx: ctx, r: bytes.NewReader(o.data[offset:end])}, o.info(b, id), nil
}

// snapshot returns the bytes and description of an object; the bytes are
// never modified once stored, so the caller reads them without the lock.
func (f *Driver) snapshot(b, id string) ([]byte, driver.ObjectInfo, time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return nil, driver.ObjectInfo{}, time.Time{}, err
	}
	o := bk.objects[id]
	if o == nil {
		return nil, driver.ObjectInfo{}, time.Time{}, notFoundObject(b, id)
	}
	return o.data, o.info(b, id), o.mod, nil
}

// ctxReader stops reading when its context is done, as a network read would.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func (c *ctxReader) Close() error { return nil }

// InitUpload implements [driver.Store]. Like S3 it allows several
// uploads for one object (the store refuses them before it calls this, and
// a streaming Put does not care).
func (f *Driver) InitUpload(ctx context.Context, b, id string, info driver.WriteInfo) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return "", err
	}
	f.seq++
	var r [8]byte
	_, _ = rand.Read(r[:])
	uid := strconv.Itoa(f.seq) + "-" + hex.EncodeToString(r[:])
	info.Metadata = maps.Clone(info.Metadata)
	bk.uploads[uid] = &upload{object: id, id: uid, info: info, parts: map[int]*part{}, initiated: f.now()}
	return uid, nil
}

// activeUpload returns the upload; the caller holds f.mu.
func (f *Driver) activeUpload(b, id, uid string) (*bucket, *upload, error) {
	bk, err := f.lookup(b)
	if err != nil {
		return nil, nil, err
	}
	u := bk.uploads[uid]
	if u == nil || u.object != id {
		return nil, nil, fmt.Errorf("%w: %s for %s/%s", driver.ErrUploadNotFound, uid, b, id)
	}
	return bk, u, nil
}

// UploadPart implements [driver.Store].
func (f *Driver) UploadPart(ctx context.Context, b, id, uid string, number int, r io.Reader, size int64, contentMD5 string) (string, error) {
	f.mu.Lock()
	_, _, err := f.activeUpload(b, id, uid)
	f.mu.Unlock()
	if err != nil {
		return "", err
	}
	data, err := readAll(ctx, r, size)
	if err != nil {
		return "", err
	}
	return f.putPart(b, id, uid, number, data, contentMD5)
}

func (f *Driver) putPart(b, id, uid string, number int, data []byte, contentMD5 string) (string, error) {
	if number < 1 || number > driver.MaxParts {
		return "", fmt.Errorf("%w: part number %d", driver.ErrInvalidArgument, number)
	}
	sum := md5.Sum(data)
	if contentMD5 != "" && contentMD5 != b64(sum[:]) {
		return "", fmt.Errorf("%w: part %d: Content-MD5 %s, body MD5 %s", driver.ErrChecksumMismatch, number, contentMD5, b64(sum[:]))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, u, err := f.activeUpload(b, id, uid)
	if err != nil {
		return "", err
	}
	etag := hex.EncodeToString(sum[:])
	u.parts[number] = &part{data: data, etag: etag}
	return etag, nil
}

func sortedParts(u *upload) []driver.Part {
	parts := make([]driver.Part, 0, len(u.parts))
	for n, p := range u.parts {
		parts = append(parts, driver.Part{Number: n, Size: int64(len(p.data)), ETag: p.etag})
	}
	slices.SortFunc(parts, func(a, b driver.Part) int { return a.Number - b.Number })
	return parts
}

// ListParts implements [driver.Store].
func (f *Driver) ListParts(ctx context.Context, b, id, uid string) ([]driver.Part, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, u, err := f.activeUpload(b, id, uid)
	if err != nil {
		return nil, err
	}
	return sortedParts(u), nil
}

// ListUploads implements [driver.Store].
func (f *Driver) ListUploads(ctx context.Context, b, id string) ([]driver.Upload, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return nil, err
	}
	var ups []driver.Upload
	for _, u := range bk.uploads {
		if id == "" || u.object == id {
			ups = append(ups, driver.Upload{Bucket: b, Object: u.object, ID: u.id, Initiated: u.initiated})
		}
	}
	slices.SortFunc(ups, func(a, b driver.Upload) int {
		return strings.Compare(a.Object+"\x00"+a.ID, b.Object+"\x00"+b.ID)
	})
	return ups, nil
}

// CompleteUpload implements [driver.Store] with S3's rules: the listed
// parts must exist with their ETags, in ascending order, and every part but
// the last must have at least [driver.MinPartSize] bytes.
func (f *Driver) CompleteUpload(ctx context.Context, b, id, uid string, parts []driver.Part, info driver.WriteInfo) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, u, err := f.activeUpload(b, id, uid)
	if err != nil {
		return "", err
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("%w: no parts", driver.ErrPartsMismatch)
	}
	var size int
	sums := make([][]byte, len(parts))
	for i, p := range parts {
		up := u.parts[p.Number]
		switch {
		case up == nil || up.etag != driver.TrimETag(p.ETag):
			return "", fmt.Errorf("%w: part %d not uploaded with ETag %s", driver.ErrPartsMismatch, p.Number, p.ETag)
		case i > 0 && p.Number <= parts[i-1].Number:
			return "", fmt.Errorf("%w: parts not in ascending order", driver.ErrPartsMismatch)
		case i < len(parts)-1 && len(up.data) < driver.MinPartSize:
			return "", fmt.Errorf("%w: part %d has %d bytes, less than the minimum %d", driver.ErrPartsMismatch, p.Number, len(up.data), driver.MinPartSize)
		}
		size += len(up.data)
		sums[i], _ = hex.DecodeString(up.etag)
	}
	data := make([]byte, 0, size)
	for _, p := range parts {
		data = append(data, u.parts[p.Number].data...)
	}
	etag := driver.MultipartETag(sums)
	w := u.info
	w.IfAbsent = info.IfAbsent
	if err := f.store(b, id, data, etag, w); err != nil {
		return "", err
	}
	delete(bk.uploads, uid)
	return etag, nil
}

// AbortUpload implements [driver.Store].
func (f *Driver) AbortUpload(ctx context.Context, b, id, uid string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, _, err := f.activeUpload(b, id, uid)
	if err != nil {
		return err
	}
	delete(bk.uploads, uid)
	return nil
}
