package objstore

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// validID reports whether id has min to max bytes, each of the byte class
// class, and neither starts nor ends with a byte in edge. A table lookup
// per byte instead of a regular expression or a call: ids are checked on
// every call, presigning included.
func validID(id string, min, max int, class uint8, edge string) bool {
	if len(id) < min || len(id) > max {
		return false
	}
	for i := 0; i < len(id); i++ {
		if idClasses[id[i]]&class == 0 {
			return false
		}
	}
	for i := 0; i < len(edge); i++ {
		if id[0] == edge[i] || id[len(id)-1] == edge[i] {
			return false
		}
	}
	return true
}

// Byte classes of the id rules, one bit each in idClasses.
const (
	bucketClass   uint8 = 1 << iota // a-z, 0-9, '-': the default bucket rule
	s3BucketClass                   // a-z, 0-9, '-', '.': S3's bucket rule
	objectClass                     // A-Z, a-z, 0-9, '-', '.', '_': the default object rule
)

// idClasses holds the classes of every byte; it is never written after
// it is built.
var idClasses = func() (t [256]uint8) {
	for c := range 256 {
		lower, upper, digit := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9'
		if lower || digit || c == '-' {
			t[c] |= bucketClass | s3BucketClass
		}
		if c == '.' {
			t[c] |= s3BucketClass
		}
		if lower || upper || digit || c == '-' || c == '.' || c == '_' {
			t[c] |= objectClass
		}
	}
	return t
}()

// IDRules decide which bucket and object ids a store accepts. A nil
// function means the default rule. Every error a rule returns is reported
// wrapped in [ErrInvalidID].
//
// Whatever the rules say, ids that S3 servers refuse, store under another
// name or cannot replace are refused on every backend: bucket ids are 3 to
// 63 of a-z, 0-9, '.' and '-', starting and ending with a letter or digit,
// without "..", ".-" or "-.", and not shaped like an IP address; object ids
// are at most 1024 bytes of UTF-8 without control characters and without
// U+FFFE and U+FFFF (which XML cannot carry: S3 lists them as U+FFFD, an
// id that names no object), made of segments between slashes of 1 to 255
// bytes that are not "." or ".." (so no leading, trailing or double
// slash) nor ".sgwtmp" (where versitygw keeps its temporary files: it
// stores an object under such a segment but lists nothing there, and a
// bucket holding one cannot be emptied), the last of at most
// [MaxObjectName] bytes.
type IDRules struct {
	// Bucket checks bucket ids. Default [DefaultBucketID].
	Bucket func(id string) error
	// Object checks object ids. Default [DefaultObjectID].
	Object func(id string) error
}

// DefaultBucketID is the default bucket id rule: 3 to 63 characters from
// a-z, 0-9 and '-', neither starting nor ending with '-'.
func DefaultBucketID(id string) error {
	if !validID(id, 3, 63, bucketClass, "-") {
		return fmt.Errorf("bucket id %q: want 3 to 63 of a-z, 0-9, '-', not starting or ending with '-'", id)
	}
	return nil
}

// MaxObjectName is the most bytes the last segment of an object id (after
// its last slash, or the whole id without one) may have: 227. S3 servers
// that keep objects as files, such as versitygw's POSIX backend, store an
// object under 255 bytes of file name but cannot replace it once its name
// has 228 or more (measured on versitygw: a Put, Copy or presigned PUT
// over it fails with 409 "Existing Object is a directory", a multipart
// completion with 500), as they need room beside the name while they
// write; a store whose objects could be written once and never again
// would break "writes replace existing objects".
const MaxObjectName = 227

// DefaultObjectID is the default object id rule: 3 to [MaxObjectName]
// (227) characters from A-Z, a-z, 0-9, '.', '_' and '-', neither starting
// nor ending with '-' or '.'. (Python hexkit allows 255; see MaxObjectName
// for why this store allows fewer.)
func DefaultObjectID(id string) error {
	if !validID(id, 3, MaxObjectName, objectClass, "-.") {
		return fmt.Errorf("object id %q: want 3 to %d of A-Z, a-z, 0-9, '.', '_', '-', not starting or ending with '-' or '.'", id, MaxObjectName)
	}
	return nil
}

// s3Bucket is S3's own bucket naming rule, which holds under any IDRules.
func s3Bucket(id string) error {
	ok := validID(id, 3, 63, s3BucketClass, "-.")
	if !ok {
		return fmt.Errorf("bucket id %q: S3 wants 3 to 63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit", id)
	}
	for _, bad := range []string{"..", ".-", "-."} {
		if strings.Contains(id, bad) {
			return fmt.Errorf("bucket id %q: S3 refuses %q in a bucket id", id, bad)
		}
	}
	if ipLike(id) {
		return fmt.Errorf("bucket id %q: S3 refuses a bucket id shaped like an IP address", id)
	}
	return nil
}

// ipLike reports whether id is four dot-separated groups of digits.
func ipLike(id string) bool {
	groups := strings.Split(id, ".")
	if len(groups) != 4 {
		return false
	}
	for _, g := range groups {
		if g == "" || strings.Trim(g, "0123456789") != "" {
			return false
		}
	}
	return true
}

// s3Object is what S3 servers accept as an object key, which holds under
// any IDRules.
func s3Object(id string) error {
	switch {
	case len(id) > 1024:
		return fmt.Errorf("object id of %d bytes: S3 wants at most 1024", len(id))
	case !utf8.ValidString(id):
		return fmt.Errorf("object id %q is not valid UTF-8", id)
	case strings.IndexFunc(id, isControl) >= 0:
		return fmt.Errorf("object id %q has control characters", id)
	case strings.ContainsAny(id, "\uFFFE\uFFFF"):
		return fmt.Errorf("object id %q has U+FFFE or U+FFFF, which XML cannot carry (S3 lists them as U+FFFD)", id)
	}
	for seg := range strings.SplitSeq(id, "/") {
		switch {
		case seg == "" || seg == "." || seg == "..":
			return fmt.Errorf("object id %q has a segment %q between slashes", id, seg)
		case seg == ".sgwtmp":
			return fmt.Errorf("object id %q has a segment \".sgwtmp\", where S3 servers keep temporary files and list nothing", id)
		case len(seg) > 255:
			return fmt.Errorf("object id %q has a segment of %d bytes, more than 255", id, len(seg))
		}
	}
	if name := id[strings.LastIndexByte(id, '/')+1:]; len(name) > MaxObjectName {
		return fmt.Errorf("object id %q ends in a name of %d bytes, more than %d", id, len(name), MaxObjectName)
	}
	return nil
}

// checkPrefix refuses a List prefix S3 servers refuse: one that is not
// valid UTF-8 or is longer than the longest object id.
func checkPrefix(prefix string) error {
	switch {
	case len(prefix) > 1024:
		return fmt.Errorf("%w: list prefix of %d bytes: S3 wants at most 1024", ErrInvalidArgument, len(prefix))
	case !utf8.ValidString(prefix):
		return fmt.Errorf("%w: list prefix %q is not valid UTF-8", ErrInvalidArgument, prefix)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func (r IDRules) bucket(id string) error {
	if r.Bucket == nil && validID(id, 3, 63, bucketClass, "-") {
		return nil // the default rule, inlined for the common case
	}
	return checkID(id, r.Bucket, s3Bucket, DefaultBucketID)
}

func (r IDRules) object(bucket, id string) error {
	if err := r.bucket(bucket); err != nil {
		return err
	}
	if r.Object == nil && validID(id, 3, MaxObjectName, objectClass, "-.") {
		return nil // the default rule, inlined for the common case
	}
	return checkID(id, r.Object, s3Object, DefaultObjectID)
}

// checkID checks id against a custom rule after S3's, or without one
// against the default rule, which is stricter than S3's.
func checkID(id string, custom, s3Rule, defaultRule func(string) error) error {
	var err error
	if custom == nil {
		err = defaultRule(id)
	} else if err = s3Rule(id); err == nil {
		err = custom(id)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidID, err)
	}
	return nil
}
