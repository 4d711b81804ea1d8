// Package memdriver is the in-memory driver behind objstore/memobjstore:
// it keeps the bytes, computes real ETags, follows S3's multipart rules and
// serves its own presigned URLs (HMAC-SHA256 under a random per-Driver key)
// as an http.Handler. objstore's own tests use it directly to wrap a
// driver; everyone else gets it through memobjstore.
package memdriver
