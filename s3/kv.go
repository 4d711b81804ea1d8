package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/driver"
	objdriver "github.com/hexkit-go/hexkit/objstore/driver"
)

// DefaultKVBucket is the bucket Python hexkit's S3 key-value stores use
// unless told otherwise.
const DefaultKVBucket = "kvstore"

// expiresMeta is the user metadata that holds an entry's expiry, in Unix
// milliseconds.
const expiresMeta = "Hexkit-Expires-At"

// maxObjectName is the longest object name S3 accepts, in bytes.
const maxObjectName = 1024

// probePrefix starts the names of the objects that probe for conditional
// writes: a prefix no key may have, so Scan skips them.
const probePrefix = kv.ReservedPrefix + "probe-"

// OpenKV returns a key-value store of values of type V in bucket, over a
// client built from cfg and owned by the store (Close releases its
// connections). See [NewKV] for the layout. Like [Open], it sends no
// request. A problem with cfg, bucket, prefix or opts wraps
// [ErrInvalidConfig] and kv.ErrInvalidOption.
func OpenKV[V any](ctx context.Context, cfg Config, bucket, prefix string, opts ...kv.Option[V]) (kv.Store[V], error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("%w (%w)", err, kv.ErrInvalidOption)
	}
	cl, tr, err := newClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w (%w)", err, kv.ErrInvalidOption)
	}
	return newKV(ctx, &kvObjects{c: cl, core: minio.Core{Client: cl}, owned: tr}, bucket, prefix, opts)
}

// NewKV returns a key-value store of values of type V in bucket (which
// must exist; [DefaultKVBucket] is Python hexkit's) over a client the
// caller built and keeps owning. Every entry is the object prefix+key
// holding the encoded value (bytes as they are, strings as UTF-8, JSON as
// its text), as Python hexkit's S3 stores write it; prefix is "" (Python
// hexkit's layout) or a valid key followed by '/', of at most 512 bytes
// (so that prefix and key fit in S3's 1024). An expiry is kept in the object's
// metadata x-amz-meta-hexkit-expires-at (Unix milliseconds) and checked on
// every read; expired objects stay in the bucket until overwritten or
// deleted (use a bucket lifecycle rule to remove them).
//
// An entry's version is its ETag, which S3 derives from the content:
// writing the same value again keeps the version. IfAbsent and IfVersion
// send If-None-Match and If-Match. The first conditional write checks
// once that the server honours both; where it does not, conditional writes
// and Increment fail with kv.ErrUnsupported and write nothing.
//
// On servers that keep objects as files (versitygw's POSIX backend) a key
// cannot also be a directory of another: with "a" stored, writing "a/b"
// fails with kv.ErrConflict, and the reverse too.
//
// A nil client, an empty bucket or an invalid prefix or option wraps
// [ErrInvalidConfig] and kv.ErrInvalidOption. NewKV sends no request, so
// a bucket that does not exist is found by the first call, which fails
// with both too. Refused credentials are kv.ErrUnauthorized; any other S3
// error without a kv meaning is kv.ErrUnavailable, with the
// minio.ErrorResponse reachable by errors.As.
func NewKV[V any](client *minio.Client, bucket, prefix string, opts ...kv.Option[V]) (kv.Store[V], error) {
	if client == nil {
		return nil, fmt.Errorf("%w: %w: nil minio client", ErrInvalidConfig, kv.ErrInvalidOption)
	}
	return newKV(context.Background(), &kvObjects{c: client, core: minio.Core{Client: client}}, bucket, prefix, opts)
}

func newKV[V any](ctx context.Context, d *kvObjects, bucket, prefix string, opts []kv.Option[V]) (kv.Store[V], error) {
	switch {
	case bucket == "":
		return nil, fmt.Errorf("%w: %w: empty bucket name", ErrInvalidConfig, kv.ErrInvalidOption)
	case prefix != "" && (!strings.HasSuffix(prefix, "/") || kv.CheckKey(strings.TrimSuffix(prefix, "/")) != nil):
		return nil, fmt.Errorf("%w: %w: prefix %q must be empty or a valid key followed by '/'", ErrInvalidConfig, kv.ErrInvalidOption, prefix)
	case len(prefix) > maxObjectName-kv.MaxKeyLen:
		return nil, fmt.Errorf("%w: %w: prefix %.64q: longer than %d bytes, so that prefix and key fit in an object name", ErrInvalidConfig, kv.ErrInvalidOption, prefix, maxObjectName-kv.MaxKeyLen)
	}
	d.bucket, d.prefix = bucket, prefix
	st, err := kv.New[V](ctx, d, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return st, nil
}

// kvObjects is the driver.Store over the objects under a prefix.
type kvObjects struct {
	c      *minio.Client
	core   minio.Core
	owned  *http.Transport
	bucket string
	prefix string

	mu          sync.Mutex
	probed      bool
	conditional bool
	// stripes serialize conditional writes of one key within this store:
	// a server may check a condition and write in two steps.
	stripes [64]sync.Mutex
}

func (d *kvObjects) Init(context.Context, driver.Config) error { return nil }

func (d *kvObjects) name(key string) string { return d.prefix + key }

// expiry reads the expiry metadata; zero when there is none.
func expiry(h http.Header) time.Time {
	ms, err := strconv.ParseInt(h.Get("X-Amz-Meta-"+expiresMeta), 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func expired(exp time.Time, now time.Time) bool { return !exp.IsZero() && !now.Before(exp) }

func (d *kvObjects) Get(ctx context.Context, key string) (driver.Entry, error) {
	rc, info, _, err := d.core.GetObject(ctx, d.bucket, d.name(key), minio.GetObjectOptions{})
	if err != nil {
		return driver.Entry{}, mapKVError(ctx, err)
	}
	defer rc.Close()
	exp := expiry(info.Metadata)
	if expired(exp, time.Now()) {
		return driver.Entry{}, fmt.Errorf("%w: %q", driver.ErrNotFound, key)
	}
	b, err := io.ReadAll(rc)
	if err != nil {
		return driver.Entry{}, mapKVError(ctx, err)
	}
	return driver.Entry{Key: key, Value: b, Version: info.ETag, ExpiresAt: exp}, nil
}

// Value is Get: the expiry must be read anyway, and the ETag comes with it.
func (d *kvObjects) Value(ctx context.Context, key string) ([]byte, error) {
	e, err := d.Get(ctx, key)
	return e.Value, err
}

func (d *kvObjects) GetMany(ctx context.Context, keys []string) ([]driver.Entry, error) {
	out := make([]driver.Entry, 0, len(keys))
	for _, k := range keys {
		e, err := d.Get(ctx, k)
		if errors.Is(err, driver.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// stat returns the ETag and expiry of key's object; ErrNotFound when it is
// absent.
func (d *kvObjects) stat(ctx context.Context, key string) (string, time.Time, error) {
	info, err := d.c.StatObject(ctx, d.bucket, d.name(key), minio.StatObjectOptions{})
	if err != nil {
		return "", time.Time{}, mapKVError(ctx, err)
	}
	return info.ETag, expiry(info.Metadata), nil
}

func (d *kvObjects) put(ctx context.Context, key string, value []byte, exp time.Time, cond func(*minio.PutObjectOptions)) (string, error) {
	o := minio.PutObjectOptions{}
	if !exp.IsZero() {
		o.UserMetadata = map[string]string{expiresMeta: strconv.FormatInt(exp.UnixMilli(), 10)}
	}
	if cond != nil {
		cond(&o)
	}
	ui, err := d.core.PutObject(ctx, d.bucket, d.name(key), bytes.NewReader(value), int64(len(value)), "", "", o)
	if err != nil {
		return "", mapKVError(ctx, err)
	}
	return ui.ETag, nil
}

func ifMatch(etag string) func(*minio.PutObjectOptions) {
	return func(o *minio.PutObjectOptions) { o.SetMatchETag(etag) }
}

func ifNoneMatch(o *minio.PutObjectOptions) { o.SetMatchETagExcept("*") }

func (d *kvObjects) Set(ctx context.Context, w driver.Write) (string, error) {
	now := time.Now()
	exp := w.ExpiresAt
	if w.TTL > 0 {
		exp = now.Add(w.TTL)
	}
	if w.Condition == driver.Always {
		return d.put(ctx, w.Key, w.Value, exp, nil)
	}
	if err := d.checkConditional(ctx); err != nil {
		return "", err
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(w.Key))
	mu := &d.stripes[h.Sum32()%uint32(len(d.stripes))]
	mu.Lock()
	defer mu.Unlock()
	if w.Condition == driver.IfAbsent {
		v, err := d.put(ctx, w.Key, w.Value, exp, ifNoneMatch)
		if !errors.Is(err, driver.ErrConflict) || driver.IsPermanentConflict(err) {
			return v, err
		}
		// The object exists: replace it only if it has expired.
		etag, old, err := d.stat(ctx, w.Key)
		switch {
		case errors.Is(err, driver.ErrNotFound):
			return d.put(ctx, w.Key, w.Value, exp, ifNoneMatch)
		case err != nil:
			return "", err
		case !expired(old, now):
			return "", fmt.Errorf("%w: %q exists", driver.ErrConflict, w.Key)
		}
		return d.put(ctx, w.Key, w.Value, exp, ifMatch(etag))
	}
	etag, old, err := d.stat(ctx, w.Key)
	switch {
	case errors.Is(err, driver.ErrNotFound):
		return "", fmt.Errorf("%w: %q is absent", driver.ErrConflict, w.Key)
	case err != nil:
		return "", err
	case etag != w.Version || expired(old, now):
		return "", fmt.Errorf("%w: %q is not at version %q", driver.ErrConflict, w.Key, w.Version)
	}
	v, err := d.put(ctx, w.Key, w.Value, exp, ifMatch(w.Version))
	if errors.Is(err, driver.ErrNotFound) {
		err = fmt.Errorf("%w: %q was deleted", driver.ErrConflict, w.Key)
	}
	return v, err
}

// checkConditional finds out once whether the server honours If-Match and
// If-None-Match on PUT, and returns ErrUnsupported when it does not.
func (d *kvObjects) checkConditional(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.probed {
		ok, err := d.probe(ctx)
		if err != nil {
			return err
		}
		d.probed, d.conditional = true, ok
	}
	if !d.conditional {
		return fmt.Errorf("%w: the S3 server at %s ignores If-Match or If-None-Match on PUT", driver.ErrUnsupported, d.c.EndpointURL().Host)
	}
	return nil
}

func (d *kvObjects) probe(ctx context.Context) (bool, error) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	key := probePrefix + hex.EncodeToString(b[:])
	defer func() {
		_ = d.c.RemoveObject(context.WithoutCancel(ctx), d.bucket, d.name(key), minio.RemoveObjectOptions{})
	}()
	if _, err := d.put(ctx, key, []byte("a"), time.Time{}, nil); err != nil {
		return false, err
	}
	_, err := d.put(ctx, key, []byte("b"), time.Time{}, ifNoneMatch)
	if !errors.Is(err, driver.ErrConflict) {
		return false, ignoreRefusal(err)
	}
	_, err = d.put(ctx, key, []byte("c"), time.Time{}, ifMatch("00000000000000000000000000000000"))
	if !errors.Is(err, driver.ErrConflict) {
		return false, ignoreRefusal(err)
	}
	return true, nil
}

// ignoreRefusal keeps the errors that say nothing about conditions (an
// outage, a context ending); a write that went through returns nil.
func ignoreRefusal(err error) error {
	if errors.Is(err, driver.ErrUnavailable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

func (d *kvObjects) Delete(ctx context.Context, key string) error {
	return mapKVError(ctx, d.c.RemoveObject(ctx, d.bucket, d.name(key), minio.RemoveObjectOptions{}))
}

func (d *kvObjects) Exists(ctx context.Context, key string) (bool, error) {
	_, exp, err := d.stat(ctx, key)
	if errors.Is(err, driver.ErrNotFound) {
		return false, nil
	}
	return err == nil && !expired(exp, time.Now()), err
}

func (d *kvObjects) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := d.checkConditional(ctx); err != nil {
		return 0, err
	}
	return driver.IncrementByCAS(ctx, d, key, delta, ttl)
}

func (d *kvObjects) Scan(ctx context.Context, prefix string) iter.Seq2[driver.Entry, error] {
	return func(yield func(driver.Entry, error) bool) {
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for o := range d.c.ListObjects(lctx, d.bucket, minio.ListObjectsOptions{Prefix: d.name(prefix), Recursive: true}) {
			if o.Err != nil {
				yield(driver.Entry{}, mapKVError(ctx, o.Err))
				return
			}
			key := strings.TrimPrefix(o.Key, d.prefix)
			if strings.HasPrefix(key, kv.ReservedPrefix) || strings.HasSuffix(key, "/") {
				continue
			}
			e, err := d.Get(ctx, key)
			if errors.Is(err, driver.ErrNotFound) {
				continue
			}
			if !yield(e, err) || err != nil {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(driver.Entry{}, err)
		}
	}
}

// Close closes the idle connections of a client OpenKV built; a client
// given to NewKV stays as it is.
func (d *kvObjects) Close() error {
	if d.owned != nil {
		d.owned.CloseIdleConnections()
	}
	return nil
}

// As sets a *minio.Client target to the store's client.
func (d *kvObjects) As(target any) bool {
	if t, ok := target.(**minio.Client); ok {
		*t = d.c
		return true
	}
	return false
}

// mapKVError is the one place where S3 errors become kv errors: it
// classifies them as mapError does for objstore and translates. The
// caller's context error passes through; the S3 error stays reachable
// with errors.As. A missing bucket is a problem of the store's
// configuration (ErrInvalidConfig and kv.ErrInvalidOption); an error
// with no kv meaning is kv.ErrUnavailable.
func mapKVError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	switch mapped := mapError(ctx, err); {
	case mapped == ctx.Err():
		return mapped
	case errors.Is(mapped, objdriver.ErrObjectNotFound):
		return fmt.Errorf("%w: %w", driver.ErrNotFound, err)
	case errors.Is(mapped, objdriver.ErrObjectExists):
		if code := minio.ToErrorResponse(err).Code; code == "ObjectParentIsFile" || code == "ExistingObjectIsDirectory" {
			// The key is a directory of another, or the reverse: no
			// retry helps.
			return driver.PermanentConflict(fmt.Errorf("%w: the key is a directory of another or the reverse: %w", driver.ErrConflict, err))
		}
		return fmt.Errorf("%w: %w", driver.ErrConflict, err)
	case errors.Is(mapped, objdriver.ErrBucketNotFound):
		return fmt.Errorf("%w: %w: the bucket does not exist: %w", ErrInvalidConfig, driver.ErrInvalidOption, err)
	case errors.Is(mapped, objdriver.ErrUnauthorized):
		return fmt.Errorf("%w: %w", driver.ErrUnauthorized, err)
	}
	return fmt.Errorf("%w: %w", driver.ErrUnavailable, err)
}
