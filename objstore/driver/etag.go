package driver

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
)

// Limits of S3 multipart uploads, which every provider follows.
const (
	// MinPartSize is the least size of every part of a multipart upload
	// but the last.
	MinPartSize = 5 << 20
	// MaxPartSize is the largest part, and the largest object one request
	// (a PUT or a form POST) may carry.
	MaxPartSize = 5 << 30
	// MaxParts is the highest part number.
	MaxParts = 10000
)

// MultipartETag returns the ETag S3 gives an object assembled from parts
// with the given MD5 sums: the hex MD5 of the concatenated sums, a dash and
// the number of parts.
func MultipartETag(partMD5s [][]byte) string {
	h := md5.New()
	for _, s := range partMD5s {
		h.Write(s)
	}
	return hex.EncodeToString(h.Sum(nil)) + "-" + strconv.Itoa(len(partMD5s))
}

// TrimETag removes the quotes around an ETag as it appears in HTTP headers.
func TrimETag(etag string) string {
	return strings.Trim(etag, `"`)
}
