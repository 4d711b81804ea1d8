package redis

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	goredis "github.com/redis/go-redis/v9"

	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/driver"
)

// NewKV returns a key-value store of values of type V on c. Every entry is
// the Redis string prefix+key holding the encoded value (bytes as they
// are, strings as UTF-8, JSON as its text), as Python hexkit's Redis
// stores write it; prefix may be empty (Python hexkit's default) and is
// any UTF-8 without NUL of at most kv.MaxKeyLen bytes, such as
// "myapp:sessions:". Expiry is Redis's own.
//
// An entry's version is a hash of its value (its SHA-1): writing the same
// value again keeps the version. IfVersion is a Lua script that compares
// and sets in one round trip, IfAbsent is SET NX, and Increment is INCRBY (in a MULTI after SET NX with the expiry
// when given WithTTL), so all three are atomic across processes. Close of the
// store leaves c open.
//
// A nil c, an invalid prefix or an invalid option wraps [ErrInvalidConfig]
// and kv.ErrInvalidOption.
func NewKV[V any](c *Client, prefix string, opts ...kv.Option[V]) (kv.Store[V], error) {
	switch {
	case c == nil:
		return nil, fmt.Errorf("%w: %w: NewKV: nil *Client", ErrInvalidConfig, kv.ErrInvalidOption)
	case !utf8.ValidString(prefix) || strings.IndexByte(prefix, 0) >= 0 || len(prefix) > kv.MaxKeyLen:
		return nil, fmt.Errorf("%w: %w: NewKV: prefix %.64q is not UTF-8 without NUL of at most %d bytes", ErrInvalidConfig, kv.ErrInvalidOption, prefix, kv.MaxKeyLen)
	}
	st, err := kv.New[V](context.Background(), &kvKeys{c: c.c, prefix: prefix}, opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return st, nil
}

// kvKeys is the driver.Store over the Redis keys under a prefix.
type kvKeys struct {
	c      *goredis.Client
	prefix string
}

func (d *kvKeys) Init(context.Context, driver.Config) error { return nil }

func (d *kvKeys) name(key string) string { return d.prefix + key }

// version is the version of a stored value: the hex SHA-1 of it, which the
// compare-and-set script computes on the server with redis.sha1hex.
func version(v []byte) string {
	sum := sha1.Sum(v)
	return hex.EncodeToString(sum[:])
}

// casScript sets KEYS[1] to ARGV[2] (with the SET options that follow, an
// expiry) only when its value's SHA-1 is ARGV[1]: 1 when set, 0 when the
// version differs, -1 when the key is absent. Scripts run atomically.
var casScript = goredis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return -1 end
if redis.sha1hex(cur) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], unpack(ARGV, 2))
return 1`)

// entry turns the replies of GET and PEXPIRETIME into an entry.
func entry(key string, get *goredis.StringCmd, exp *goredis.Cmd) (driver.Entry, bool) {
	b, err := get.Bytes()
	if err != nil {
		return driver.Entry{}, false
	}
	e := driver.Entry{Key: key, Value: b, Version: version(b)}
	if ms, err := exp.Int64(); err == nil && ms > 0 {
		e.ExpiresAt = time.UnixMilli(ms)
	}
	return e, true
}

type pending struct {
	key string
	get *goredis.StringCmd
	exp *goredis.Cmd
}

// fetch reads keys in one round trip; absent keys are left out.
func (d *kvKeys) fetch(ctx context.Context, keys []string) ([]driver.Entry, error) {
	p := d.c.Pipeline()
	ps := make([]pending, len(keys))
	for i, k := range keys {
		n := d.name(k)
		ps[i] = pending{k, p.Get(ctx, n), p.Do(ctx, "PEXPIRETIME", n)}
	}
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
		return nil, mapError(ctx, err)
	}
	out := make([]driver.Entry, 0, len(keys))
	for _, pc := range ps {
		if e, ok := entry(pc.key, pc.get, pc.exp); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

func (d *kvKeys) Get(ctx context.Context, key string) (driver.Entry, error) {
	es, err := d.fetch(ctx, []string{key})
	if err != nil {
		return driver.Entry{}, err
	}
	if len(es) == 0 {
		return driver.Entry{}, fmt.Errorf("%w: %q", driver.ErrNotFound, key)
	}
	return es[0], nil
}

// Value is one GET: Redis expires keys itself, so no expiry is read.
func (d *kvKeys) Value(ctx context.Context, key string) ([]byte, error) {
	b, err := d.c.Get(ctx, d.name(key)).Bytes()
	if err != nil {
		return nil, mapError(ctx, err)
	}
	return b, nil
}

func (d *kvKeys) GetMany(ctx context.Context, keys []string) ([]driver.Entry, error) {
	return d.fetch(ctx, keys)
}

// setArgs is the SET command of w, without a condition.
func (d *kvKeys) setArgs(w driver.Write) []any {
	args := []any{"SET", d.name(w.Key), w.Value}
	switch {
	case w.TTL > 0:
		args = append(args, "PX", w.TTL.Milliseconds())
	case !w.ExpiresAt.IsZero():
		args = append(args, "PXAT", w.ExpiresAt.UnixMilli())
	}
	return args
}

func (d *kvKeys) Set(ctx context.Context, w driver.Write) (string, error) {
	args := d.setArgs(w)
	switch w.Condition {
	case driver.IfAbsent:
		err := d.c.Do(ctx, append(args, "NX")...).Err()
		if errors.Is(err, goredis.Nil) {
			return "", fmt.Errorf("%w: %q exists", driver.ErrConflict, w.Key)
		}
		if err != nil {
			return "", mapError(ctx, err)
		}
	case driver.IfVersion:
		// args is SET name value [PX|PXAT n]: the script gets the version,
		// then value and options.
		res, err := casScript.Run(ctx, d.c, []string{d.name(w.Key)}, append([]any{w.Version}, args[2:]...)...).Int()
		switch {
		case err != nil:
			return "", mapError(ctx, err)
		case res < 0:
			return "", fmt.Errorf("%w: %q is absent", driver.ErrConflict, w.Key)
		case res == 0:
			return "", fmt.Errorf("%w: %q is not at version %q", driver.ErrConflict, w.Key, w.Version)
		}
	default:
		if err := d.c.Do(ctx, args...).Err(); err != nil {
			return "", mapError(ctx, err)
		}
	}
	return version(w.Value), nil
}

func (d *kvKeys) Delete(ctx context.Context, key string) error {
	return mapError(ctx, d.c.Del(ctx, d.name(key)).Err())
}

func (d *kvKeys) Exists(ctx context.Context, key string) (bool, error) {
	n, err := d.c.Exists(ctx, d.name(key)).Result()
	return n > 0, mapError(ctx, err)
}

func (d *kvKeys) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	name := d.name(key)
	if ttl <= 0 {
		n, err := d.c.IncrBy(ctx, name, delta).Result()
		return n, mapError(ctx, err)
	}
	// One transaction: create the key at 0 with its expiry only if it is
	// absent, then add.
	var incr *goredis.IntCmd
	_, err := d.c.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.SetNX(ctx, name, 0, ttl)
		incr = p.IncrBy(ctx, name, delta)
		return nil
	})
	if err != nil {
		return 0, mapError(ctx, err)
	}
	return incr.Val(), nil
}

// globEscape escapes the characters SCAN's MATCH pattern gives a meaning.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (d *kvKeys) Scan(ctx context.Context, prefix string) iter.Seq2[driver.Entry, error] {
	return func(yield func(driver.Entry, error) bool) {
		match := globEscape(d.name(prefix)) + "*"
		seen := map[string]bool{}
		var cursor uint64
		for {
			names, next, err := d.c.Scan(ctx, cursor, match, 256).Result()
			if err != nil {
				yield(driver.Entry{}, mapError(ctx, err))
				return
			}
			keys := make([]string, 0, len(names))
			for _, n := range names {
				if !seen[n] {
					seen[n] = true
					keys = append(keys, strings.TrimPrefix(n, d.prefix))
				}
			}
			if len(keys) > 0 {
				es, err := d.fetch(ctx, keys)
				if err != nil {
					yield(driver.Entry{}, err)
					return
				}
				for _, e := range es {
					if !yield(e, nil) {
						return
					}
				}
			}
			if cursor = next; cursor == 0 {
				return
			}
		}
	}
}

// Close does nothing: the Client owns the connection.
func (d *kvKeys) Close() error { return nil }

// As sets a **goredis.Client target (the go-redis client) and reports
// whether it could.
func (d *kvKeys) As(target any) bool {
	if t, ok := target.(**goredis.Client); ok {
		*t = d.c
		return true
	}
	return false
}
