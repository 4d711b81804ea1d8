package memdriver

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hexkit-go/hexkit/objstore/driver"
)

// conditionalHeaders are the request headers whose conditions S3 servers
// evaluate themselves; the handler removes them (and If-Range, which they
// ignore) before net/http serves the bytes, so its own rules do not apply.
var conditionalHeaders = []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range"}

// readCondition answers the conditional headers of a GET as versitygw
// does: 0 to serve the object, 304 or 412. An ETag condition compares the
// header, without one pair of enclosing quotes, with the whole ETag: "*"
// matches every object, a list or a weak ETag matches nothing. A date is
// RFC 1123 or RFC 3339, else ignored, and ignored when after now; it is
// compared with mod to the clock's precision, finer than the whole
// seconds of Last-Modified. If-Match that fails is 412; one that holds
// makes If-Unmodified-Since count for nothing, and If-None-Match, when
// given, decides alone. If-None-Match that holds (no match) makes
// If-Modified-Since count for nothing.
func readCondition(h http.Header, etag string, mod, now time.Time) int {
	ifMatch, hasMatch := condETag(h, "If-Match")
	ifNoneMatch, hasNoneMatch := condETag(h, "If-None-Match")
	ims, hasIMS := condDate(h, "If-Modified-Since", now)
	ius, hasIUS := condDate(h, "If-Unmodified-Since", now)
	modified := !hasIMS || ims.Before(mod)  // If-Modified-Since holds
	unmodified := !hasIUS || ius.After(mod) // If-Unmodified-Since holds
	noneMatch := ifNoneMatch != "*" && ifNoneMatch != etag
	switch {
	case hasMatch && ifMatch != "*" && ifMatch != etag:
		return http.StatusPreconditionFailed
	case hasMatch && hasNoneMatch:
		if !noneMatch {
			return http.StatusNotModified
		}
		return 0
	case hasMatch:
		if !modified {
			return http.StatusNotModified
		}
		return 0
	case !unmodified:
		return http.StatusPreconditionFailed
	case hasNoneMatch:
		if !noneMatch {
			return http.StatusNotModified
		}
		return 0
	case !modified:
		return http.StatusNotModified
	}
	return 0
}

// condETag returns the ETag of a conditional header without one pair of
// enclosing quotes, and whether the header is given (not empty).
func condETag(h http.Header, name string) (string, bool) {
	v := h.Get(name)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return v, v != ""
}

// condDate parses a conditional date as versitygw does: RFC 1123 or RFC
// 3339, not after now.
func condDate(h http.Header, name string, now time.Time) (time.Time, bool) {
	v := h.Get(name)
	if v == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC1123, time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, !t.After(now)
		}
	}
	return time.Time{}, false
}

// writeCondition answers a request whose conditions failed: 304 without
// a body or an ETag, or 412 PreconditionFailed, as versitygw answers them.
func writeCondition(w http.ResponseWriter, status int) {
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}
	writeError(w, status, "PreconditionFailed", conditionMessages["PreconditionFailed"])
}

// putCondition decides the If-Match and If-None-Match headers of a PUT
// of an object as versitygw does, given the current object's ETag (exists
// false when there is none): 0 to write, or the status and S3 error code
// to refuse with. If-None-Match accepts only "*", and not together with
// If-Match (501 NotImplemented); "*" fails on an existing object (412);
// If-Match fails on a missing object (404 NoSuchKey) and on another ETag
// (412; "*" is compared as an ETag).
func putCondition(h http.Header, etag string, exists bool) (status int, code string) {
	ifMatch, hasMatch := condETag(h, "If-Match")
	ifNoneMatch, hasNoneMatch := condETag(h, "If-None-Match")
	switch {
	case !hasMatch && !hasNoneMatch:
		return 0, ""
	case hasNoneMatch && (ifNoneMatch != "*" || hasMatch):
		return http.StatusNotImplemented, "NotImplemented"
	case hasNoneMatch && exists:
		return http.StatusPreconditionFailed, "PreconditionFailed"
	case hasMatch && !exists:
		return http.StatusNotFound, "NoSuchKey"
	case hasMatch && ifMatch != etag:
		return http.StatusPreconditionFailed, "PreconditionFailed"
	}
	return 0, ""
}

// conditionMessages are the messages of the errors putCondition returns.
var conditionMessages = map[string]string{
	"NotImplemented":     "A header you provided implies functionality that is not implemented.",
	"PreconditionFailed": "At least one of the pre-conditions you specified did not hold.",
	"NoSuchKey":          "The specified key does not exist.",
}

// putIf stores an object uploaded through a presigned URL once its
// conditional headers h hold (see putCondition), checking them and
// storing under one lock; a condition that fails returns its status and
// S3 error code and stores nothing.
func (f *Driver) putIf(ctx context.Context, b, id string, data []byte, ctype string, h http.Header) (etag string, status int, code string, err error) {
	if _, hasMatch := condETag(h, "If-Match"); !hasMatch {
		if _, hasNoneMatch := condETag(h, "If-None-Match"); !hasNoneMatch {
			etag, err = f.Put(ctx, b, id, bytes.NewReader(data), int64(len(data)), driver.WriteInfo{ContentType: ctype})
			return etag, 0, "", err
		}
	}
	if err := ctx.Err(); err != nil {
		return "", 0, "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	bk, err := f.lookup(b)
	if err != nil {
		return "", 0, "", err
	}
	cur, old := bk.objects[id], ""
	if cur != nil {
		old = cur.etag
	}
	if status, code := putCondition(h, old, cur != nil); status != 0 {
		return "", status, code, nil
	}
	etag = md5hex(data)
	if err := f.store(b, id, data, etag, driver.WriteInfo{ContentType: ctype}); err != nil {
		return "", 0, "", fmt.Errorf("storing %s/%s: %w", b, id, err)
	}
	return etag, 0, "", nil
}
