package objstore

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

func (s *portable) Put(ctx context.Context, bucket, object string, r io.Reader, size int64, opts ...WriteOption) (ObjectInfo, error) {
	if err := s.object(bucket, object); err != nil {
		return ObjectInfo{}, err
	}
	if size < -1 || size > MaxParts*s.cfg.partSize {
		return ObjectInfo{}, fmt.Errorf("%w: size %d not in [-1, %d]", ErrInvalidArgument, size, MaxParts*s.cfg.partSize)
	}
	var w writeConfig
	for _, o := range opts {
		o(&w)
	}
	if err := checkWrite(w); err != nil {
		return ObjectInfo{}, err
	}
	ps := s.cfg.partSize
	if size >= 0 && size <= ps {
		if src, ok := newSectionSource(r, size); ok && src.avail >= size {
			// Seekable, so that the driver may retry the request.
			info, err := s.putSingle(ctx, bucket, object, io.NewSectionReader(src.ra, src.base, size), size, w)
			if err == nil {
				_, err = src.seeker.Seek(src.base+size, io.SeekStart)
			}
			return info, err
		}
		return s.putSingle(ctx, bucket, object, io.LimitReader(r, size), size, w)
	}
	if size < 0 {
		var first bytes.Buffer
		if _, err := first.ReadFrom(io.LimitReader(r, ps)); err != nil {
			return ObjectInfo{}, readerError(err)
		}
		if int64(first.Len()) < ps {
			return s.putSingle(ctx, bucket, object, &first, int64(first.Len()), w)
		}
		r = io.MultiReader(&first, r)
	} else if src, ok := newSectionSource(r, size); ok {
		if src.avail < size {
			return ObjectInfo{}, fmt.Errorf("%w: reader holds %d of %d bytes", ErrInvalidArgument, src.avail, size)
		}
		info, err := s.putMultipart(ctx, bucket, object, src, size, w)
		if err == nil {
			_, err = src.seeker.Seek(src.base+size, io.SeekStart)
		}
		return info, err
	} else {
		r = io.LimitReader(r, size)
	}
	return s.putMultipart(ctx, bucket, object, r, size, w)
}

// sectionSource reads parts of a reader that can read at offsets (a file,
// a bytes.Reader) in place, concurrently and without buffers.
type sectionSource struct {
	ra     io.ReaderAt
	seeker io.Seeker
	base   int64 // the reader's position when Put was called
	avail  int64 // bytes from base to the end
}

func (sectionSource) Read([]byte) (int, error) {
	return 0, errors.New("objstore: sectionSource is read by part")
}

func newSectionSource(r io.Reader, size int64) (*sectionSource, bool) {
	ra, ok1 := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok1 || !ok2 || size < 0 {
		return nil, false
	}
	base, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, false
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if _, serr := sk.Seek(base, io.SeekStart); err != nil || serr != nil {
		return nil, false
	}
	return &sectionSource{ra: ra, seeker: sk, base: base, avail: end - base}, true
}

// countingReader hashes and counts what is read through it, and notes
// when its source ended and the error its source failed with.
type countingReader struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	eof bool
	err error // of the source, but io.EOF
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	switch {
	case err == io.EOF:
		c.eof = true
	case err != nil:
		c.err = err
	}
	return n, err
}

// readerError wraps an error of the reader given to Put: the one error
// a store returns that matches no sentinel, since the caller's reader,
// not the server, failed; errors.Is reaches the reader's error.
func readerError(err error) error {
	return fmt.Errorf("objstore: the reader given to Put failed: %w", err)
}

// writeError explains why a driver failed to write the bytes read through
// cr (size of them, or -1): once ctx is done, the driver's error (the
// context's); when the caller's reader failed, its error (readerError),
// whatever the driver made of it (minio-go reports it as a transport
// error, ErrUnavailable); when the reader ended early, ErrInvalidArgument,
// not the driver's complaint about the short body; else the driver's
// error.
func writeError(ctx context.Context, cr *countingReader, size int64, err error) error {
	switch {
	case ctx.Err() != nil:
		return err
	case cr.err != nil:
		return readerError(cr.err)
	case cr.eof && cr.n < size:
		return fmt.Errorf("%w: reader ended after %d of %d bytes (%v)", ErrInvalidArgument, cr.n, size, err)
	}
	return err
}

// rewindable is a countingReader over a seekable reader: a driver may
// rewind it to the start to retry a request, which restarts the hash.
type rewindable struct {
	*countingReader
	s io.Seeker
}

func (r rewindable) Seek(offset int64, whence int) (int64, error) {
	pos, err := r.s.Seek(offset, whence)
	switch {
	case err != nil:
		return pos, err
	case pos == 0:
		r.h.Reset()
		r.n = 0
		r.eof = false
		r.err = nil
	case pos != r.n:
		return pos, errors.New("objstore: a hashed body can only be rewound to its start")
	}
	return pos, nil
}

// hashing returns a countingReader over r and the reader to hand to the
// driver: seekable when r is.
func hashing(r io.Reader) (*countingReader, io.Reader) {
	c := &countingReader{r: r, h: md5.New()}
	if s, ok := r.(io.Seeker); ok {
		return c, rewindable{c, s}
	}
	return c, c
}

func (s *portable) putSingle(ctx context.Context, bucket, object string, r io.Reader, size int64, w writeConfig) (ObjectInfo, error) {
	cr, body := hashing(r)
	etag, err := s.d.Put(ctx, bucket, object, body, size, w)
	if err != nil {
		return ObjectInfo{}, writeError(ctx, cr, size, err)
	}
	if cr.n != size {
		return ObjectInfo{}, fmt.Errorf("%w: reader ended after %d of %d bytes", ErrInvalidArgument, cr.n, size)
	}
	etag = driver.TrimETag(etag)
	if want := hex.EncodeToString(cr.h.Sum(nil)); etag != want {
		return ObjectInfo{}, fmt.Errorf("%w: server ETag %s, MD5 of the bytes sent %s", ErrChecksumMismatch, etag, want)
	}
	return s.written(bucket, object, size, etag, w), nil
}

// defaultContentType is what every backend stores without WithContentType.
const defaultContentType = "application/octet-stream"

func (s *portable) written(bucket, object string, size int64, etag string, w writeConfig) ObjectInfo {
	ctype := w.ContentType
	if ctype == "" {
		ctype = defaultContentType
	}
	return cleanInfo(driver.ObjectInfo{Bucket: bucket, ID: object, Size: size, ETag: etag, ContentType: ctype,
		Metadata: w.Metadata})
}

type partResult struct {
	part driver.Part
	md5  []byte
}

// buffer returns a part buffer from the store's pool.
func (s *portable) buffer() *[]byte {
	if b, ok := s.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, s.cfg.partSize)
	return &b
}

// putMultipart uploads r as parts of the configured size, up to the
// configured number at a time.
func (s *portable) putMultipart(ctx context.Context, bucket, object string, r io.Reader, size int64, w writeConfig) (info ObjectInfo, err error) {
	ps := s.cfg.partSize
	meta := make(map[string]string, len(w.Metadata)+1)
	for k, v := range w.Metadata {
		meta[k] = v
	}
	meta[partSizeKey] = strconv.FormatInt(ps, 10)
	init := w
	init.Metadata = meta
	id, err := s.d.InitUpload(ctx, bucket, object, init)
	if err != nil {
		return ObjectInfo{}, err
	}
	defer func() {
		if err != nil {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			_ = s.d.AbortUpload(actx, bucket, object, id)
			if ctx.Err() != nil {
				err = ctx.Err()
			}
		}
	}()

	pctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	free := make(chan *[]byte, s.cfg.concurrency)
	for range s.cfg.concurrency {
		free <- nil // taken from the pool on first use
	}
	defer func() {
		for range s.cfg.concurrency {
			if b := <-free; b != nil {
				s.bufs.Put(b)
			}
		}
	}()
	var (
		mu      sync.Mutex
		results []partResult
		wg      sync.WaitGroup
		total   int64
	)
	section, _ := r.(*sectionSource)
parts:
	for number := 1; ; number++ {
		var buf *[]byte
		select {
		case buf = <-free:
		case <-pctx.Done():
			break parts
		}
		var (
			body io.Reader
			n    int
			last bool
		)
		if section != nil {
			n = int(min(ps, size-total))
			body = io.NewSectionReader(section.ra, section.base+total, int64(n))
			last = total+int64(n) == size
		} else {
			if buf == nil {
				buf = s.buffer()
			}
			var rerr error
			n, rerr = io.ReadFull(r, *buf)
			if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
				free <- buf
				cancel(readerError(rerr))
				break
			}
			if n == 0 && number > 1 {
				free <- buf
				break
			}
			body = bytes.NewReader((*buf)[:n])
			last = n < len(*buf)
		}
		if number > MaxParts {
			free <- buf
			cancel(fmt.Errorf("%w: more than %d parts of %d bytes", ErrInvalidArgument, MaxParts, ps))
			break
		}
		total += int64(n)
		wg.Add(1)
		go func(number int, body io.Reader, n int, buf *[]byte) {
			defer wg.Done()
			defer func() { free <- buf }()
			// The MD5 is computed while the driver reads the part, and
			// compared with the ETag the server computed.
			cr, hashed := hashing(body)
			etag, err := s.d.UploadPart(pctx, bucket, object, id, number, hashed, int64(n), "")
			if err != nil {
				err = writeError(pctx, cr, int64(n), err)
			}
			sum := cr.h.Sum(nil)
			if err == nil && driver.TrimETag(etag) != hex.EncodeToString(sum) {
				err = fmt.Errorf("%w: part %d: server ETag %s, MD5 of the bytes sent %x", ErrChecksumMismatch, number, etag, sum)
			}
			if err != nil {
				cancel(err)
				return
			}
			mu.Lock()
			results = append(results, partResult{driver.Part{Number: number, Size: int64(n), ETag: driver.TrimETag(etag)}, sum})
			mu.Unlock()
		}(number, body, n, buf)
		if last {
			break
		}
	}
	wg.Wait()
	if err := context.Cause(pctx); err != nil {
		return ObjectInfo{}, err
	}
	if size >= 0 && total != size {
		return ObjectInfo{}, fmt.Errorf("%w: reader ended after %d of %d bytes", ErrInvalidArgument, total, size)
	}
	slices.SortFunc(results, func(a, b partResult) int { return a.part.Number - b.part.Number })
	parts := make([]driver.Part, len(results))
	sums := make([][]byte, len(results))
	for i, r := range results {
		parts[i], sums[i] = r.part, r.md5
	}
	etag, err := s.d.CompleteUpload(ctx, bucket, object, id, parts, w)
	if err != nil {
		return ObjectInfo{}, err
	}
	etag = driver.TrimETag(etag)
	if want := driver.MultipartETag(sums); etag != want {
		return ObjectInfo{}, fmt.Errorf("%w: server ETag %s, multipart ETag of the bytes sent %s", ErrChecksumMismatch, etag, want)
	}
	return s.written(bucket, object, total, etag, w), nil
}
