package objstore

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// partSizeKey is the metadata key under which [Store.Put] records the part
// size of a multipart object, so that [Store.Get] can verify its ETag. It is
// hidden from [ObjectInfo.Metadata] and refused in [WithMetadata].
const partSizeKey = "hexkit-part-size"

// checkWrite refuses content types and metadata that S3 servers refuse or
// change: keys that are not HTTP tokens, values with control characters
// (the signature of a tab fails), invalid UTF-8 (read back as U+FFFD),
// leading or trailing spaces (dropped), more than MaxMetadataSize bytes.
func checkWrite(w writeConfig) error {
	if err := checkValue("content type", w.ContentType); err != nil {
		return err
	}
	size := 0
	for k, v := range w.Metadata {
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !isTokenChar(r) }) >= 0 {
			return fmt.Errorf("%w: metadata key %q is not an HTTP token", ErrInvalidArgument, k)
		}
		if k == partSizeKey {
			return fmt.Errorf("%w: metadata key %q is reserved", ErrInvalidArgument, k)
		}
		if err := checkValue("metadata value of "+k, v); err != nil {
			return err
		}
		size += len(k) + len(v)
	}
	if size > MaxMetadataSize {
		return fmt.Errorf("%w: metadata of %d bytes, more than %d", ErrInvalidArgument, size, MaxMetadataSize)
	}
	return nil
}

func checkValue(what, v string) error {
	switch {
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidArgument, what)
	case strings.IndexFunc(v, isControl) >= 0:
		return fmt.Errorf("%w: %s has control characters", ErrInvalidArgument, what)
	case v != strings.Trim(v, " "):
		return fmt.Errorf("%w: %s has leading or trailing spaces", ErrInvalidArgument, what)
	}
	return nil
}

func isTokenChar(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}
