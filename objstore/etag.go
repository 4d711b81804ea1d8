package objstore

import (
	"crypto/md5"
	"encoding/hex"
	"maps"
	"strconv"
	"strings"
)

// partSizeKey is the metadata key under which [Store.Put] records the part
// size of a multipart object, so that [Store.Get] can verify its ETag. It is
// hidden from [ObjectInfo.Metadata].
const partSizeKey = "hexkit-part-size"

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

func cleanInfo(info ObjectInfo) ObjectInfo {
	if _, ok := info.Metadata[partSizeKey]; ok {
		info.Metadata = maps.Clone(info.Metadata)
		delete(info.Metadata, partSizeKey)
	}
	if info.Metadata == nil {
		info.Metadata = map[string]string{}
	}
	info.ETag = TrimETag(info.ETag)
	return info
}
