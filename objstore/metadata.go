package objstore

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// partSizeKey is the metadata key under which [Store.Put] records the part
// size of a multipart object, so that [Store.Get] can verify its ETag. It is
// hidden from [ObjectInfo.Metadata] and refused in [WithMetadata].
const partSizeKey = "hexkit-part-size"

// checkWrite refuses content types and metadata that S3 servers refuse or
// change, or that S3 clients send as something else: keys that are not
// HTTP tokens or that S3 clients send as headers of their own (see
// reservedKey), values with control characters (the signature of a tab
// fails), invalid UTF-8 (read back as U+FFFD), white space other than the
// ASCII space (see checkValue), leading or trailing spaces (dropped),
// metadata values that start with "=?" (decoded as RFC 2047 encoded
// words when read back), content types and metadata beyond the limits of
// MaxContentTypeSize, MaxMetadataKeys, MaxMetadataKeySize and
// MaxMetadataSize, which keep a write within what S3 servers read and
// store.
func checkWrite(w writeConfig) error {
	if len(w.ContentType) > MaxContentTypeSize {
		return fmt.Errorf("%w: content type of %d bytes, more than %d", ErrInvalidArgument, len(w.ContentType), MaxContentTypeSize)
	}
	if err := checkValue("content type", w.ContentType); err != nil {
		return err
	}
	if len(w.Metadata) > MaxMetadataKeys {
		return fmt.Errorf("%w: %d metadata keys, more than %d", ErrInvalidArgument, len(w.Metadata), MaxMetadataKeys)
	}
	size := 0
	for k, v := range w.Metadata {
		if len(k) > MaxMetadataKeySize {
			return fmt.Errorf("%w: metadata key %.20q... of %d bytes, more than %d", ErrInvalidArgument, k, len(k), MaxMetadataKeySize)
		}
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !isTokenChar(r) }) >= 0 {
			return fmt.Errorf("%w: metadata key %q is not an HTTP token", ErrInvalidArgument, k)
		}
		if k == partSizeKey {
			return fmt.Errorf("%w: metadata key %q is reserved", ErrInvalidArgument, k)
		}
		if reservedKey(k) {
			return fmt.Errorf("%w: metadata key %q is a header S3 clients send as such, not as metadata", ErrInvalidArgument, k)
		}
		if err := checkValue("metadata value of "+k, v); err != nil {
			return err
		}
		if strings.HasPrefix(v, "=?") {
			return fmt.Errorf("%w: metadata value of %s starts with \"=?\", which S3 clients decode as an RFC 2047 encoded word", ErrInvalidArgument, k)
		}
		size += storedSize(k) + storedSize(v)
	}
	if size > MaxMetadataSize {
		return fmt.Errorf("%w: metadata of %d bytes (<, > and & counting 6, \" and \\ 2), more than %d", ErrInvalidArgument, size, MaxMetadataSize)
	}
	return nil
}

// storedSize is the size of s as JSON escapes it in a string: <, > and &
// as \u003c and the like, " and \ with a backslash.
func storedSize(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&':
			n += 5
		case '"', '\\':
			n++
		}
	}
	return n
}

// reservedKey reports whether k (in lower case) names a header that S3
// clients send under its own name instead of as x-amz-meta-k, so that the
// server drops it or applies it to the object: the x-amz- and x-minio-
// headers, and the object headers S3 stores outside the user metadata.
func reservedKey(k string) bool {
	switch k {
	case "content-type", "cache-control", "content-disposition", "content-encoding", "content-language", "expires":
		return true
	}
	return strings.HasPrefix(k, "x-amz-") || strings.HasPrefix(k, "x-minio-")
}

// checkValue refuses a header value S3 does not store as given. White
// space other than the ASCII space (U+0085, U+00A0, U+1680, U+2000 to
// U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) is refused anywhere:
// SigV4 clients fold it into one space when they sign a header and
// servers do not, so the signature fails, and servers trim it at the edges.
func checkValue(what, v string) error {
	switch {
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidArgument, what)
	case strings.IndexFunc(v, isControl) >= 0:
		return fmt.Errorf("%w: %s has control characters", ErrInvalidArgument, what)
	case strings.IndexFunc(v, isOtherSpace) >= 0:
		return fmt.Errorf("%w: %s has white space other than the ASCII space", ErrInvalidArgument, what)
	case v != strings.Trim(v, " "):
		return fmt.Errorf("%w: %s has leading or trailing spaces", ErrInvalidArgument, what)
	}
	return nil
}

func isOtherSpace(r rune) bool { return r != ' ' && unicode.IsSpace(r) }

func isTokenChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}
