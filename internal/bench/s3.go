package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/driver"
	"github.com/hexkit-go/hexkit/s3"
)

// benchS3 compares the objstore S3 provider with raw minio-go on the server
// in HEXKIT_S3_*: Put and Get of 1 MiB and 64 MiB objects (objects per
// second) and presigning GET URLs (URLs per second). Both sides give the same
// guarantee: the raw side checks what hexkit's Put and Get check, the
// server's ETag against the MD5 (multipart ETag for the 16 MiB parts both
// sides use) of the bytes, as a careful raw client must do by hand. The
// -vs-unchecked and -unverified cases compare with a raw client that checks
// nothing, and get-<size>-vs-md5 a verified Get with hashing the object's
// bytes in memory (MD5 on one core): the bound of a verified read on a link
// faster than MD5.
func benchS3(ctx context.Context, r *reporter) error {
	cfg := s3.Config{
		Endpoint:  strings.TrimPrefix(os.Getenv("HEXKIT_S3_ENDPOINT"), "http://"),
		Region:    os.Getenv("HEXKIT_S3_REGION"),
		AccessKey: os.Getenv("HEXKIT_S3_ACCESS_KEY"),
		SecretKey: hexkit.NewSecret(os.Getenv("HEXKIT_S3_SECRET_KEY")),
		PathStyle: true,
	}
	if cfg.Endpoint == "" {
		return errors.New("HEXKIT_S3_ENDPOINT is not set (eval \"$(scripts/servers env)\")")
	}
	store, err := s3.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	// The raw side uses the very client the store uses.
	var client *minio.Client
	if !store.As(&client) {
		return errors.New("s3 store does not expose its *minio.Client")
	}
	var sfx [4]byte
	_, _ = rand.Read(sfx[:])
	bucket := "bench-s3-" + hex.EncodeToString(sfx[:])
	if err := store.CreateBucket(ctx, bucket); err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := store.DeleteBucket(cctx, bucket, objstore.WithContent()); err != nil {
			fmt.Fprintln(os.Stderr, "bench: cleanup:", err)
		}
	}()

	for _, c := range []struct {
		name string
		size int
		ops  int
	}{{"1MiB", 1 << 20, 100}, {"64MiB", 64 << 20, 4}} {
		data := make([]byte, c.size)
		_, _ = rand.Read(data)
		hexPut := func(ctx context.Context) (int, error) {
			for i := range c.ops {
				if _, err := store.Put(ctx, bucket, fmt.Sprintf("hexkit-%s-%d", c.name, i), bytes.NewReader(data), int64(len(data))); err != nil {
					return 0, err
				}
			}
			return c.ops, nil
		}
		rawPut := func(ctx context.Context) (int, error) {
			for i := range c.ops {
				info, err := client.PutObject(ctx, bucket, fmt.Sprintf("raw-%s-%d", c.name, i), bytes.NewReader(data), int64(len(data)),
					minio.PutObjectOptions{})
				if err != nil {
					return 0, err
				}
				if want := etagOf(data); info.ETag != want {
					return 0, fmt.Errorf("raw put: ETag %s, want %s", info.ETag, want)
				}
			}
			return c.ops, nil
		}
		if err := r.compare(ctx, "put-"+c.name, hexPut, rawPut); err != nil {
			return err
		}
		// The same against a raw client that checks nothing: the price of
		// hexkit's checksums.
		rawPutUnchecked := func(ctx context.Context) (int, error) {
			for i := range c.ops {
				if _, err := client.PutObject(ctx, bucket, fmt.Sprintf("raw-%s-%d", c.name, i), bytes.NewReader(data), int64(len(data)),
					minio.PutObjectOptions{}); err != nil {
					return 0, err
				}
			}
			return c.ops, nil
		}
		if err := r.compare(ctx, "put-"+c.name+"-vs-unchecked", hexPut, rawPutUnchecked); err != nil {
			return err
		}
		// hexGetting reads every object; verified says whether the reads
		// check checksums (the default) and must report so.
		hexGetting := func(verified bool) side {
			var opts []objstore.GetOption
			if !verified {
				opts = append(opts, objstore.WithoutVerification())
			}
			return func(ctx context.Context) (int, error) {
				for i := range c.ops {
					rd, err := store.Get(ctx, bucket, fmt.Sprintf("hexkit-%s-%d", c.name, i), opts...)
					if err != nil {
						return 0, err
					}
					_, err = io.Copy(io.Discard, rd)
					rd.Close()
					if err != nil {
						return 0, err
					}
					if rd.Verified() != verified {
						return 0, fmt.Errorf("hexkit get: verified %v, want %v", rd.Verified(), verified)
					}
				}
				return c.ops, nil
			}
		}
		hexGet := hexGetting(true)
		rawGet := func(ctx context.Context) (int, error) {
			for i := range c.ops {
				rc, info, _, err := minio.Core{Client: client}.GetObject(ctx, bucket, fmt.Sprintf("raw-%s-%d", c.name, i), minio.GetObjectOptions{})
				if err != nil {
					return 0, err
				}
				h := newPartHasher(strings.Contains(info.ETag, "-"))
				_, err = io.Copy(h, rc)
				rc.Close()
				if err != nil {
					return 0, err
				}
				if got := h.etag(); got != info.ETag {
					return 0, fmt.Errorf("raw get: ETag %s, bytes read have %s", info.ETag, got)
				}
			}
			return c.ops, nil
		}
		if err := r.compare(ctx, "get-"+c.name, hexGet, rawGet); err != nil {
			return err
		}
		rawGetUnchecked := func(ctx context.Context) (int, error) {
			for i := range c.ops {
				rc, _, _, err := minio.Core{Client: client}.GetObject(ctx, bucket, fmt.Sprintf("raw-%s-%d", c.name, i), minio.GetObjectOptions{})
				if err != nil {
					return 0, err
				}
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
				if err != nil {
					return 0, err
				}
			}
			return c.ops, nil
		}
		if err := r.compare(ctx, "get-"+c.name+"-vs-unchecked", hexGet, rawGetUnchecked); err != nil {
			return err
		}
		if err := r.compare(ctx, "get-"+c.name+"-unverified", hexGetting(false), rawGetUnchecked); err != nil {
			return err
		}
		// The bound of a verified Get, which hashes next to the transfer:
		// the MD5 of the object's bytes in this process, objects per second.
		md5Only := func(context.Context) (int, error) {
			for range c.ops {
				h := md5.New()
				h.Write(data)
				h.Sum(nil)
			}
			return c.ops, nil
		}
		if err := r.compare(ctx, "get-"+c.name+"-vs-md5", hexGet, md5Only); err != nil {
			return err
		}
	}

	// 10k presigns a side per round, in blocks of 500 that alternate.
	const presigns, block = 10000, 500
	hexPresign := func(ctx context.Context, name string) error {
		_, err := store.PresignGet(ctx, bucket, name, objstore.WithExpiry(time.Hour))
		return err
	}
	rawPresign := func(ctx context.Context, name string) error {
		u, err := client.PresignedGetObject(ctx, bucket, name, time.Hour, nil)
		if err == nil {
			_ = u.String()
		}
		return err
	}
	runtime.GC() // a collected heap, without the large objects' buffers
	hk, rw, err := interleave(ctx, presigns/block*max(r.rounds, 1), block, hexPresign, rawPresign)
	if err != nil {
		return fmt.Errorf("presign-get-10k: %w", err)
	}
	return r.print("presign-get-10k", hk, rw)
}

// interleave runs raw and hexkit alternately (raw, hexkit, hexkit, raw,
// ...), blocks times n calls each (each call with its own object name),
// and returns the calls per second
// of each side over all its blocks. For short local calls such as
// presigning: sides that alternate every few milliseconds share whatever
// load a shared machine has, where sides of a tenth of a second each (as
// compare runs them) do not.
func interleave(ctx context.Context, blocks, n int, hexkit, raw func(ctx context.Context, name string) error) (float64, float64, error) {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("obj-%d", i)
	}
	run := func(call func(context.Context, string) error, took *time.Duration) error {
		start := time.Now()
		for _, name := range names {
			if err := call(ctx, name); err != nil {
				return err
			}
		}
		*took += time.Since(start)
		return nil
	}
	var hk, rw time.Duration
	for i := range blocks {
		// Raw first in even blocks, hexkit first in odd ones: neither
		// side always runs in the wake of the other (a collection its
		// allocations started, say).
		for j := range 2 {
			if (i+j)%2 == 0 {
				if err := run(raw, &rw); err != nil {
					return 0, 0, fmt.Errorf("raw: %w", err)
				}
			} else if err := run(hexkit, &hk); err != nil {
				return 0, 0, fmt.Errorf("hexkit: %w", err)
			}
		}
	}
	calls := float64(blocks * n)
	return calls / hk.Seconds(), calls / rw.Seconds(), nil
}

// rawPartSize is the part size minio-go's PutObject picks for objects up to
// 10000 x 16 MiB, and hexkit's default.
const rawPartSize = 16 << 20

// etagOf is the ETag S3 gives data uploaded as minio-go's PutObject does:
// the MD5, or the multipart ETag of 16 MiB parts for larger objects.
func etagOf(data []byte) string {
	h := newPartHasher(len(data) > rawPartSize)
	h.Write(data)
	return h.etag()
}

// partHasher computes the MD5, or the multipart ETag of 16 MiB parts, of
// what is written to it, in one pass.
type partHasher struct {
	multipart bool
	h         hash.Hash
	in        int
	sums      [][]byte
}

func newPartHasher(multipart bool) *partHasher {
	return &partHasher{multipart: multipart, h: md5.New()}
}

func (p *partHasher) Write(b []byte) (int, error) {
	n := len(b)
	if !p.multipart {
		p.h.Write(b)
		return n, nil
	}
	for len(b) > 0 {
		c := min(len(b), rawPartSize-p.in)
		p.h.Write(b[:c])
		p.in += c
		b = b[c:]
		if p.in == rawPartSize {
			p.sums = append(p.sums, p.h.Sum(nil))
			p.h.Reset()
			p.in = 0
		}
	}
	return n, nil
}

func (p *partHasher) etag() string {
	if !p.multipart {
		return hex.EncodeToString(p.h.Sum(nil))
	}
	sums := p.sums
	if p.in > 0 {
		sums = append(sums, p.h.Sum(nil))
	}
	return driver.MultipartETag(sums)
}
