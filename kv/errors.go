package kv

import (
	"fmt"
	"strings"

	"github.com/hexkit-go/hexkit/kv/driver"
)

// Sentinel errors shared by every implementation of [Store]. They wrap the
// provider's own error where there is one, so test with [errors.Is]; a
// provider's native error is still reachable with [errors.As]. Context
// errors are returned as they are, never wrapped.
var (
	// ErrNotFound: Get named a key that is not stored or has expired.
	ErrNotFound = driver.ErrNotFound
	// ErrConflict: a conditional Set failed: the key exists ([IfAbsent])
	// or is not stored with the given version ([IfVersion]). Also: an S3
	// server keeping objects as files refused a key that is a directory of
	// another ("a" and "a/b"), whatever the write (Set, SetMany or
	// Increment, which then returns at once). Nothing was written.
	ErrConflict = driver.ErrConflict
	// ErrInvalidKey: a key is empty, not valid UTF-8, holds a NUL byte,
	// is longer than [MaxKeyLen] bytes, or has a '/'-separated segment
	// that is empty, "." or ".." or longer than [MaxSegmentLen] bytes (S3
	// servers on file systems refuse those, so every store does); or it
	// is a key an S3 server stores but leaves out of its listings, so
	// that Scan would miss it (versitygw): it holds a character XML 1.0
	// cannot carry (a control character other than tab, newline and
	// carriage return, or U+FFFE or U+FFFF), has a segment ".sgwtmp", or
	// starts with [ReservedPrefix]. A Scan prefix may end anywhere but
	// must be valid UTF-8 without NUL, of at most [MaxKeyLen] bytes (a
	// prefix that no key can have otherwise yields nothing). The error is
	// a *KeyError. Nothing
	// was read or written.
	ErrInvalidKey = driver.ErrInvalidKey
	// ErrInvalidValue: a value cannot be encoded (a JSON codec given a
	// channel, a string codec given invalid UTF-8), a JSON value holds
	// what a document cannot hold (an object key starting with '$' or
	// holding '.' or NUL, a key twice in one object, an integer outside
	// the int64 range, a number outside the float64 range, an array
	// directly inside an array, text that is not valid JSON), a codec of
	// [FormatString] returned text that is not valid UTF-8, a stored value cannot be decoded into the store's
	// type (on MongoDB: an entry of another [Format]; a Redis key of
	// another type than a string), or Increment met a stored value that
	// is not a decimal int64 in the form strconv.FormatInt writes or a sum
	// that overflows. Nothing was written.
	ErrInvalidValue = driver.ErrInvalidValue
	// ErrInvalidOption: a constructor option or a per-call option is
	// invalid (a TTL shorter than a millisecond, a condition given to
	// SetMany or Increment, a nil codec), or the store's configuration
	// names what the server does not have (an S3 bucket that does not
	// exist, found by the first call).
	ErrInvalidOption = driver.ErrInvalidOption
	// ErrUnsupported: the backend cannot do what was asked (for example a
	// conditional write on an S3 server that ignores conditions). Nothing
	// was written.
	ErrUnsupported = driver.ErrUnsupported
	// ErrUnauthorized: the server refused the store's credentials or
	// denied the operation (an S3 secret key that does not match, a
	// Redis ACL that forbids the command).
	ErrUnauthorized = driver.ErrUnauthorized
	// ErrUnavailable: the store could not be reached, did not answer in
	// time, or answered with an error that no other sentinel describes
	// (the provider's native error, reachable with [errors.As], says
	// which). The operation may be retried; for writes, whether it took
	// effect is unknown.
	ErrUnavailable = driver.ErrUnavailable
	// ErrClosed: the store was used after Close.
	ErrClosed = driver.ErrClosed
)

// MaxKeyLen is the longest key, in bytes, that every store accepts.
const MaxKeyLen = driver.MaxKeyLen

// MaxSegmentLen is the longest '/'-separated segment of a key, in bytes.
// File systems allow 255, but versitygw, an S3 server that keeps objects
// as files, stores an object whose last segment is 228 bytes or more once
// and then cannot replace it; since a segment of one key may be the last
// of another, every segment is held to 227.
const MaxSegmentLen = 227

// KeyError reports a refused key. It matches [ErrInvalidKey].
type KeyError struct {
	Key    string // the refused key (cut to 64 bytes)
	Reason string // why it was refused
}

// Error names the key and the reason.
func (e *KeyError) Error() string {
	return fmt.Sprintf("%v %.64q: %s", ErrInvalidKey, e.Key, e.Reason)
}

// Is reports whether target is ErrInvalidKey.
func (e *KeyError) Is(target error) bool { return target == ErrInvalidKey }

// ReservedPrefix starts the keys that are reserved for the stores' own
// objects (the S3 store's probe for conditional writes); no key may start
// with it.
const ReservedPrefix = ".hexkit-"

// badSegment says what is wrong with the '/'-separated segments of key,
// or returns "" when nothing is (object stores on file systems refuse
// empty, "." and ".." segments and segments longer than MaxSegmentLen bytes;
// versitygw keeps its temporary files in ".sgwtmp" and lists nothing
// under that name).
func badSegment(key string) string {
	for seg := range strings.SplitSeq(key, "/") {
		switch {
		case seg == "":
			return "an empty '/'-separated segment"
		case seg == "." || seg == "..":
			return "a '.' or '..' segment"
		case seg == ".sgwtmp":
			return "a '.sgwtmp' segment"
		case len(seg) > MaxSegmentLen:
			return fmt.Sprintf("a segment of %d bytes, more than %d", len(seg), MaxSegmentLen)
		}
	}
	return ""
}

// nonXMLChar reports whether s holds a character that XML 1.0 cannot
// carry and that is not NUL: a control character other than tab, line
// feed and carriage return, U+FFFE or U+FFFF. S3 lists keys in XML, and
// versitygw leaves keys holding one out of its listings.
func nonXMLChar(s string) bool {
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return true
		}
	}
	return false
}

// checkPrefix returns a *KeyError when prefix could start no key.
func checkPrefix(prefix string) error {
	if len(prefix) <= MaxKeyLen && utf8ValidNoNUL(prefix) {
		return nil
	}
	if len(prefix) > 64 {
		prefix = prefix[:64]
	}
	return &KeyError{Key: prefix, Reason: "a prefix no key can have"}
}

// CheckKey returns a *KeyError when key cannot be stored, nil otherwise:
// see [ErrInvalidKey].
func CheckKey(key string) error {
	var reason string
	switch {
	case key == "":
		reason = "empty"
	case len(key) > MaxKeyLen:
		reason = fmt.Sprintf("%d bytes, more than %d", len(key), MaxKeyLen)
	case !utf8ValidNoNUL(key):
		reason = "not valid UTF-8 or holds a NUL byte"
	case nonXMLChar(key):
		reason = "holds a control character other than tab, newline and carriage return, or U+FFFE or U+FFFF"
	case strings.HasPrefix(key, ReservedPrefix):
		reason = "starts with " + ReservedPrefix + ", which is reserved"
	default:
		reason = badSegment(key)
		if reason == "" {
			return nil
		}
	}
	if len(key) > 64 {
		key = key[:64]
	}
	return &KeyError{Key: key, Reason: reason}
}
