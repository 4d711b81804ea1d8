package objstore

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

func (s *portable) Get(ctx context.Context, bucket, object string, opts ...GetOption) (Reader, error) {
	if err := s.object(bucket, object); err != nil {
		return nil, err
	}
	g := getConfig{length: -1}
	for _, o := range opts {
		o(&g)
	}
	if g.offset < 0 || g.length < -1 || g.length == 0 {
		return nil, fmt.Errorf("%w: range offset %d length %d", ErrInvalidArgument, g.offset, g.length)
	}
	rc, info, err := s.d.Get(ctx, bucket, object, g.offset, g.length)
	if err != nil {
		return nil, s.notFound(ctx, bucket, err)
	}
	rd := &reader{ctx: ctx, rc: rc, info: cleanInfo(info)}
	if g.offset == 0 && g.length == -1 && !g.noVerify {
		rd.prepare(ctx, info, &s.chunks)
	}
	return rd, nil
}

// errReaderClosed is what Read returns after Close.
var errReaderClosed = fmt.Errorf("%w: read after the reader's Close", ErrClosed)

// reader is the Reader every store returns: it verifies as it reads, the
// hashing done by a verifier next to the transfer.
type reader struct {
	ctx  context.Context
	rc   io.ReadCloser
	info ObjectInfo

	// v hashes what is read; nil when the read is not verified.
	v        *verifier
	want     string
	closed   atomic.Bool
	verified bool
	err      error
}

// prepare makes the read verified when the ETag is one the store can
// recompute: an MD5, or a multipart ETag of parts of a size Put recorded.
func (r *reader) prepare(ctx context.Context, info driver.ObjectInfo, chunks *sync.Pool) {
	etag := driver.TrimETag(info.ETag)
	base, parts, multipart := strings.Cut(etag, "-")
	if len(base) != 32 {
		return
	}
	if _, err := hex.DecodeString(base); err != nil {
		return
	}
	var partSize int64
	if multipart {
		ps, err := strconv.ParseInt(info.Metadata[partSizeKey], 10, 64)
		if _, perr := strconv.Atoi(parts); err != nil || perr != nil || ps <= 0 {
			return
		}
		partSize = ps
	}
	r.want = etag
	r.v = newVerifier(ctx, partSize, chunks)
}

func (r *reader) Info() ObjectInfo { return r.info }

func (r *reader) Verified() bool { return r.verified }

// start checks what ends a read before it reaches the driver: an earlier
// end, Close, the context.
func (r *reader) start() error {
	if r.err != nil {
		return r.err
	}
	if r.closed.Load() {
		return errReaderClosed
	}
	if err := r.ctx.Err(); err != nil {
		r.stopVerifier()
		return err
	}
	return nil
}

func (r *reader) Read(p []byte) (int, error) {
	if err := r.start(); err != nil {
		return 0, err
	}
	n, err := r.rc.Read(p)
	if r.v != nil && n > 0 {
		if !r.v.write(p[:n]) {
			return 0, r.stopped()
		}
	}
	return r.end(n, err)
}

// end records how a read of n bytes ended: at io.EOF a verified read
// waits for the hash of every byte and compares it with the ETag, so that
// io.EOF means all bytes matched; any other error ends the verification.
func (r *reader) end(n int, err error) (int, error) {
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF && r.v != nil:
		got, size, ok := r.v.finish()
		switch {
		case !ok:
			err = r.stopped()
		case got != r.want || size != r.info.Size:
			err = fmt.Errorf("%w: read %d bytes with ETag %s, object has %d bytes and ETag %s",
				ErrChecksumMismatch, size, got, r.info.Size, r.want)
		default:
			r.verified = true
		}
	case err != io.EOF:
		r.stopVerifier()
	}
	r.err = err
	return n, err
}

func (r *reader) stopVerifier() {
	if r.v != nil {
		r.v.stop()
	}
}

// stopped is the error of a verified read whose verifier was stopped
// under it: by the end of the context, else by Close.
func (r *reader) stopped() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	return errReaderClosed
}

// WriteTo writes the rest of the object to w with large reads, verifying
// as Read does; io.Copy uses it. A verified read reads into the
// verifier's chunks, which saves Read's copy.
func (r *reader) WriteTo(w io.Writer) (int64, error) {
	var (
		total int64
		buf   []byte
	)
	if r.v == nil {
		buf = make([]byte, 128<<10)
	}
	for {
		if err := r.start(); err != nil {
			if err == io.EOF {
				err = nil
			}
			return total, err
		}
		p := buf
		if r.v != nil {
			if p = r.v.space(); p == nil {
				return total, r.stopped()
			}
		}
		n, err := r.rc.Read(p)
		if r.v != nil {
			if !r.v.commit(n) {
				return total, r.stopped()
			}
		}
		// The bytes go out before end, which at io.EOF gives the chunks
		// back to the pool; a mismatch then fails the copy.
		if n > 0 {
			m, werr := w.Write(p[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if _, err = r.end(n, err); err != nil {
			if err == io.EOF {
				err = nil
			}
			return total, err
		}
	}
}

// Close closes the driver's reader, which ends a Read waiting on it, then
// stops the verifier's goroutine.
func (r *reader) Close() error {
	r.closed.Store(true)
	err := r.rc.Close()
	r.stopVerifier()
	return err
}

// etagHash computes the ETag of the bytes written to it: their MD5, or
// with a part size their multipart ETag.
type etagHash struct {
	partSize int64 // > 0: multipart ETag
	h        hash.Hash
	inPart   int64
	sums     [][]byte
	n        int64
}

func (e *etagHash) write(b []byte) {
	e.n += int64(len(b))
	for len(b) > 0 {
		chunk := b
		if e.partSize > 0 && int64(len(chunk)) > e.partSize-e.inPart {
			chunk = chunk[:e.partSize-e.inPart]
		}
		_, _ = e.h.Write(chunk)
		e.inPart += int64(len(chunk))
		b = b[len(chunk):]
		if e.partSize > 0 && e.inPart == e.partSize {
			e.sums = append(e.sums, e.h.Sum(nil))
			e.h.Reset()
			e.inPart = 0
		}
	}
}

func (e *etagHash) sum() string {
	if e.partSize == 0 {
		return hex.EncodeToString(e.h.Sum(nil))
	}
	sums := e.sums
	if e.inPart > 0 {
		sums = append(sums, e.h.Sum(nil))
	}
	return driver.MultipartETag(sums)
}

// newEtagHash returns an etagHash: multipart when partSize > 0.
func newEtagHash(partSize int64) etagHash {
	return etagHash{partSize: partSize, h: md5.New()}
}
