// Package objstore is hexkit's object storage protocol: buckets, objects,
// presigned URLs, multipart uploads and streaming, with no type parameters
// (bytes flow here, not user types).
//
// A service holds a [Store], which a provider's constructor returns:
// package s3 (any S3-compatible server, through minio-go) or
// objstore/memobjstore (in memory, for tests and local runs). Every
// provider's Store validates ids and arguments and runs the logic every
// backend shares in one portable layer: the rules S3 servers enforce, the
// multipart completion checks, streaming Put and Get and their checksum
// verification. So a service behaves the same on every provider, and its
// tests on memobjstore catch what S3 would refuse.
//
//	store, err := s3.Open(ctx, s3.Config{...}) // or memobjstore.New(); in a test memobjstore.NewTest(t)
//	defer store.Close()
//	url, err := store.PresignGet(ctx, "inbox", "sample-1.fastq")
//
// # Semantics
//
// Buckets: [Store.CreateBucket], [Store.BucketExists] and
// [Store.DeleteBucket], which refuses a bucket that holds objects or
// multipart uploads unless given [WithContent].
//
// Objects: [Store.Stat] returns size, ETag, content type, modification time
// (in whole seconds, see [ObjectInfo]) and user metadata (keys in lower
// case); [Store.ObjectExists];
// [Store.List] iterates over ids with a prefix in lexical order, fetching
// pages as the loop asks; [Store.Copy] copies server-side into one part
// (the copy's ETag is the MD5 of its bytes) and refuses an existing
// destination unless given [WithOverwrite]; [Store.Delete] ignores
// a missing object but not a missing bucket.
//
// Presigned URLs let clients move bytes without the service in the path:
// [Store.PresignGet] downloads, [Store.PresignPut] uploads with a plain PUT
// (optionally bound to a Content-MD5), [Store.PresignPost] uploads a form
// whose size the server limits. Presigning is local (no request to the
// server), so it is fast and does not check that the object or upload
// exists; using a URL of a missing object answers 404. URLs are valid for
// [DefaultExpiry] unless [WithExpiry] says otherwise, and allow what was
// signed only: another method, a query parameter added to the URL (such
// as response-content-type), or an x-amz-* header the URL does not name
// (such as metadata), is refused with 403 on every backend. A GET URL
// answers one Range as S3 does: 206 for "bytes=first-last", "first-" or
// "-suffix"; 416 for a range that starts at or beyond the end (on an
// empty object, any but a suffix) and for "bytes=-0"; several ranges or a
// malformed one are ignored and the whole object is served (200).
// Conditional headers are evaluated before the Range, as versitygw does:
// an ETag in If-Match or If-None-Match is compared whole, with or without
// its quotes ("*" matches every object; a list of ETags or a weak W/ ETag
// matches none); a date is RFC 1123 (the HTTP date) or RFC 3339, else
// ignored, and ignored when in the future; If-Range is ignored. Dates are
// compared with the time the object was written, which is finer than the
// whole seconds of Last-Modified, so an If-Modified-Since equal to the
// Last-Modified is served (200) and an If-Unmodified-Since equal to it
// fails (412). A failed If-Match is 412; a holding If-Match decides with
// If-None-Match (a match is 304) or, without it, with If-Modified-Since
// (304), ignoring If-Unmodified-Since. Without If-Match, a failed
// If-Unmodified-Since is 412, then a matching If-None-Match is 304 (which,
// when given, makes If-Modified-Since count for nothing), then a failed
// If-Modified-Since is 304. A 304 has no body and no ETag header; a 412
// carries the S3 error PreconditionFailed. A PUT URL refuses a body
// without a Content-Length (chunked; 411 MissingContentLength) and
// honours If-None-Match: * (412 on an existing object, which stays) and
// If-Match with an ETag (412 on another ETag, 404 on a missing object);
// another If-None-Match, or both headers, is 501 NotImplemented.
//
// An upload URL or form cannot be revoked: it writes as often as the client
// likes until it expires, also after the service checked what it wrote.
// So do not let clients upload to the object you serve: have them upload
// to a staging object, check it, and copy it server side ([Store.Copy]) to
// the object downloads read; a plain PUT has no size limit, a form does.
// examples/fileregistry shows the pattern.
//
// Multipart uploads carry large files: [Store.InitUpload] (refusing an
// object that already has an active upload), [Store.PresignPart] for parts
// 1 to 10000, [Store.ListParts], [Store.ListUploads] and
// [Store.ListBucketUploads], [Store.CompleteUpload] with optional
// anticipated part count ([WithPartCount]) and size
// ([WithAnticipatedPartSize]: every part but the last that size, the last
// not larger), and [Store.AbortUpload], which checks that no part survived.
// The backend's own rules hold too: on S3 every part but the last must have
// at least 5 MiB ([MinPartSize]).
//
// Streaming: [Store.Put] streams a reader of known or unknown size; large
// objects go up as multipart uploads of [WithPartSize] parts, several at a
// time. Put hashes every byte as it is sent and compares with the ETag the
// server computed, so a corrupted transfer fails with [ErrChecksumMismatch].
// [Store.Get] reads a whole object or a range; a whole read verifies the
// ETag (MD5, or for objects written by Put the multipart ETag) and reports
// a mismatch instead of io.EOF. It hashes in a goroutine of its own while
// the next bytes arrive, so hashing overlaps the transfer; Close, or the
// end of the context, stops it.
//
// Ids: by default buckets are 3 to 63 of a-z, 0-9 and '-', not starting or
// ending with '-'; objects are 3 to 227 of A-Z, a-z, 0-9, '.', '_' and '-',
// not starting or ending with '-' or '.' (the rules of Python hexkit, but
// for the length: see [MaxObjectName]). [WithIDRules] replaces them,
// within what S3 accepts (see [IDRules]).
//
// Rules decided once, for every provider, because S3 servers refuse or
// silently change what breaks them: presigned URLs expire after a whole
// number of seconds, 1 second to [MaxExpiry] (7 days), counted from the
// start of the second they were presigned in (see [WithExpiry]); a form upload allows 1 byte to [MaxPartSize];
// part numbers run from 1 to [MaxParts]; content types and metadata values
// are UTF-8 without control characters (a tab included), without white
// space other than the ASCII space and without leading or trailing spaces,
// and metadata values do not start with "=?"; metadata keys are HTTP
// tokens, stored in lower case, outside the x-amz- and x-minio- headers
// and the object headers such as content-type (see [WithMetadata]); an
// object has at most [MaxMetadataKeys] (16) keys of at most
// [MaxMetadataKeySize] (64) bytes, keys and values together at most
// [MaxMetadataSize] (2000) bytes, each of <, > and & counting 6 and each
// of " and \ 2, and a content type of at most [MaxContentTypeSize] (256)
// bytes (so that every write fits the request headers S3 servers read and
// the file attributes they store it in); a copy onto
// itself and a [Store.List] prefix that is not valid UTF-8 or longer than
// 1024 bytes are refused. Each breaks with
// [ErrInvalidArgument] (ids with [ErrInvalidID]) before any request.
//
// Close releases what the provider's constructor opened; every call after
// it fails with [ErrClosed].
//
// Atomicity: writes with [IfAbsent] are atomic on every backend. Some steps
// are check-then-act because S3 has no condition for them: InitUpload lists
// the object's active uploads before starting one (on every backend); Copy
// without overwrite checks the destination before copying (atomic in the
// in-memory store only); DeleteBucket with content empties the bucket
// before deleting it (an object written in between makes it fail with
// [ErrBucketNotEmpty]), and DeleteBucket without content lists active
// uploads before deleting (some servers would delete a bucket whose only
// content is uploads; the protocol refuses it everywhere).
//
// # Errors
//
// Every error matches one of the sentinels with errors.Is, whatever the
// backend, but for the one error that is the caller's own: an error of the
// reader given to [Store.Put], which Put returns wrapped (errors.Is
// reaches it) and matching no sentinel. The sentinels:
// [ErrBucketNotFound], [ErrBucketExists], [ErrBucketNotEmpty],
// [ErrObjectNotFound], [ErrObjectExists], [ErrUploadNotFound],
// [ErrUploadActive], [ErrInvalidID], [ErrPartsMismatch],
// [ErrChecksumMismatch], [ErrInvalidArgument], [ErrUnauthorized],
// [ErrUnavailable] and [ErrClosed]; a constructor given an invalid [Option]
// fails with [ErrInvalidOption]. Providers wrap their driver's error as well,
// so errors.As reaches it. Context errors come back unwrapped: errors.Is(err,
// context.Canceled) holds, and so does err == context.Canceled for calls that
// did not start. Presigning sends no request but still checks the context:
// a presigning call given a context that is done fails with its error on
// every backend. Invalid ids and arguments fail before any request.
//
// # Testing
//
// Services test against objstore/memobjstore: one call,
// memobjstore.NewTest(t), gives a Store that keeps the bytes, computes
// real ETags and sizes, refuses what S3 refuses, and serves its presigned
// URLs over HTTP, so a test can hand a URL to a plain net/http client, as
// a real client would use it (see the examples); it is closed when the
// test ends. objstore/objstoretest is the conformance suite every provider
// passes.
//
// # As
//
// [Store.As] reaches a provider's native client (s3: *minio.Client and
// *minio.Core); the in-memory store has none.
//
// # Providers
//
// A provider implements the small interface of objstore/driver and wraps
// it with [New], which adds the portable layer; its constructors return
// the resulting Store.
package objstore
