package kv

import (
	"errors"
	"fmt"
	"time"
)

// Option configures a store of values of type V at construction. Every
// provider accepts the same options. Options are checked once, by the
// constructor; an invalid one fails it with [ErrInvalidOption].
type Option[V any] func(*options[V])

type options[V any] struct {
	codec Codec[V]
	err   error
}

// WithCodec sets how values are encoded. Default: chosen by V (see
// [Codec]). Use WithCodec(JSON[string]()) to store strings as JSON texts.
func WithCodec[V any](c Codec[V]) Option[V] {
	return func(o *options[V]) {
		if c == nil {
			o.err = errors.Join(o.err, fmt.Errorf("%w: WithCodec: nil codec", ErrInvalidOption))
			return
		}
		if f := c.Format(); f > FormatJSON {
			o.err = errors.Join(o.err, fmt.Errorf("%w: WithCodec: unknown Format %d", ErrInvalidOption, f))
			return
		}
		o.codec = c
	}
}

// SetOption configures one Set, SetMany or Increment call. It is checked
// by the call it is given to; an invalid one fails the call with
// [ErrInvalidOption] before anything is written.
type SetOption func(*setOptions)

type setOptions struct {
	ttl      time.Duration
	cond     condition
	version  Version
	err      error
	hasCond  bool
	hasTTL   bool
	multiple bool
}

type condition uint8

const (
	always condition = iota
	ifAbsent
	ifVersion
)

// WithTTL makes the entry expire d after the write; from then on it is
// absent on every backend. Expiry instants are kept to the millisecond,
// rounded down, so an entry may expire up to a millisecond before d has
// passed. Default: the
// entry never expires. Set replaces a previous expiry; Increment applies
// it only when it creates the key. d must be at least a millisecond.
func WithTTL(d time.Duration) SetOption {
	return func(o *setOptions) {
		if d < time.Millisecond {
			o.err = errors.Join(o.err, fmt.Errorf("%w: WithTTL(%v): at least 1ms", ErrInvalidOption, d))
			return
		}
		o.ttl, o.hasTTL = d.Truncate(time.Millisecond), true
	}
}

// IfAbsent makes Set create the entry only if the key is absent (never
// stored, deleted or expired); otherwise Set fails with [ErrConflict].
// Only Set takes it.
func IfAbsent() SetOption {
	return func(o *setOptions) {
		o.multiple = o.multiple || o.hasCond
		o.cond, o.hasCond = ifAbsent, true
	}
}

// IfVersion makes Set replace the entry only if it is stored with version
// v, as returned by Set or [Store.GetEntry]; otherwise (changed, deleted,
// expired) Set fails with [ErrConflict]. Where versions derive from the
// value (Redis, S3; see [Version]), an entry changed or deleted and then
// written again with the value it had has version v again, and the write
// succeeds. Only Set takes it.
func IfVersion(v Version) SetOption {
	return func(o *setOptions) {
		o.multiple = o.multiple || o.hasCond
		o.cond, o.version, o.hasCond = ifVersion, v, true
		if v == "" {
			o.err = errors.Join(o.err, fmt.Errorf("%w: IfVersion: empty version", ErrInvalidOption))
		}
	}
}

// setOpts applies opts; conditions are refused unless allowed.
func setOpts(call string, allowCond bool, opts []SetOption) (setOptions, error) {
	var o setOptions
	for _, opt := range opts {
		if opt == nil {
			o.err = errors.Join(o.err, fmt.Errorf("%w: nil SetOption", ErrInvalidOption))
			continue
		}
		opt(&o)
	}
	if o.hasCond && !allowCond {
		o.err = errors.Join(o.err, fmt.Errorf("%w: %s takes no IfAbsent or IfVersion", ErrInvalidOption, call))
	}
	if o.multiple {
		o.err = errors.Join(o.err, fmt.Errorf("%w: %s: more than one condition", ErrInvalidOption, call))
	}
	return o, o.err
}
