// Package s3 is the S3 provider of the objstore protocol, built on
// minio-go v7. It is tested against versitygw, an S3-compatible server, and
// speaks to any server minio-go supports (AWS S3, MinIO, Ceph RGW, ...).
//
//	store, err := s3.Open(ctx, s3.Config{
//		Endpoint: "127.0.0.1:7070", Region: "us-east-1",
//		AccessKey: key, SecretKey: hexkit.NewSecret(secret), PathStyle: true,
//	})
//	defer store.Close()
//
// or, with a client you built, configured and keep owning yourself:
//
//	store, err := s3.New(minioClient)
//
// Both return an objstore.Store; see package objstore for the protocol.
// They accept objstore options (part size, concurrency, id rules). Each
// driver call is one minio-go call (the high-level client for buckets,
// objects and presigning, its Core for multipart uploads), and errors are
// mapped to the objstore sentinels in one function.
//
// # Semantics
//
// Presigning is offline (SigV4 query signing) when the client knows its
// region: [Open] always sets it; give one to the clients you pass to [New].
// Close of a store from Open closes the idle connections of the client it
// built; a client given to New stays open.
// A Content-MD5 asked for with objstore.WithContentMD5 becomes a signed
// header, so a client that omits it gets 403.
//
// Writes with objstore.IfAbsent send If-None-Match: * with the PutObject or
// the CompleteMultipartUpload, so the server refuses an existing object
// atomically (versitygw evaluates it under its publish lock; AWS S3 supports
// it too). What S3 offers no condition for stays check-then-act in the
// store, with a window in which a concurrent writer can slip in:
//
//   - Copy without objstore.WithOverwrite checks that the destination is
//     missing, then copies (If-None-Match on CopyObject applies to the
//     source, not the destination).
//   - InitUpload lists the object's active uploads, then starts one.
//   - Stat and Get of a missing object ask whether the bucket exists, to
//     tell ErrBucketNotFound from ErrObjectNotFound (a HEAD response has no
//     error code).
//   - BucketExists sends a HEAD; when it answers 404, a listing of one key
//     confirms that the bucket is missing, since versitygw answers a HEAD
//     with 404 for an access key it does not know too (ErrUnauthorized).
//
// Servers differ where S3 leaves room: versitygw's POSIX backend keeps an
// object "a/b" as file b in directory a, so "a" and "a/b" cannot both
// exist (the second write fails with objstore.ErrObjectExists; AWS S3 and
// the in-memory store allow both objects). On it each segment of an id
// between slashes has at most 255 bytes, and an object whose last segment
// has more than 227 cannot be replaced once written; objstore refuses such
// ids on every backend (see objstore.MaxObjectName).
//
// Copy uses one CopyObject request, which S3 limits to 5 GiB sources.
// Streaming Put sends parts without Content-MD5 but hashes what it sends
// and compares with each part's ETag, and Get compares what it reads with
// the ETag: buckets encrypted with SSE-KMS or SSE-C, whose ETags are not MD5
// sums, fail these checks with ErrChecksumMismatch; the provider does not
// support them.
//
// # Errors
//
// Every problem with a [Config], a nil client or an invalid objstore option
// wraps [ErrInvalidConfig] (and objstore.ErrInvalidOption for an option).
//
// S3 error codes become objstore sentinels: NoSuchBucket ->
// ErrBucketNotFound; BucketAlreadyExists, BucketAlreadyOwnedByYou ->
// ErrBucketExists; BucketNotEmpty -> ErrBucketNotEmpty; NoSuchKey ->
// ErrObjectNotFound; NoSuchUpload -> ErrUploadNotFound; PreconditionFailed
// (If-None-Match) -> ErrObjectExists; InvalidPart, InvalidPartOrder,
// EntityTooSmall -> ErrPartsMismatch; InvalidRange, InvalidArgument,
// InvalidRequest, EntityTooLarge, MetadataTooLarge,
// RequestHeaderSectionTooLarge -> ErrInvalidArgument; InvalidBucketName,
// KeyTooLongError, DirectoryObjectContainsData -> ErrInvalidID;
// ObjectParentIsFile, ExistingObjectIsDirectory -> ErrObjectExists;
// AccessDenied, InvalidAccessKeyId, XAdminUserNotFound (versitygw's answer
// to an access key it does not know), SignatureDoesNotMatch, ExpiredToken,
// InvalidToken -> ErrUnauthorized; InternalError, ServiceUnavailable,
// SlowDown and network errors after minio-go's retries (a refused
// connection, a transport timeout, a server gone while a download
// streams, which the Reader's Read reports) -> ErrUnavailable; BadDigest and checksum mismatches ->
// ErrChecksumMismatch. The objstore layer refuses most of these before a
// request is sent, so that the in-memory store refuses them too. The error
// wraps both the sentinel and minio's error, so errors.As(err, &resp) with
// a minio.ErrorResponse resp still reaches the code, message and request
// id. Other errors are wrapped with the "s3: " prefix; errors of the
// caller's context come back unwrapped (a transport timeout, which matches
// context.DeadlineExceeded too, is ErrUnavailable while the context is
// not done).
//
// # As
//
// The store's As method reaches the client: a **minio.Client target gets the
// client, a **minio.Core target its Core, for what the protocol does not
// cover (versioning, lifecycle, tagging, ...).
//
// # Testing
//
// The provider passes objstore/objstoretest against versitygw: set
// HEXKIT_S3_ENDPOINT, HEXKIT_S3_ACCESS_KEY, HEXKIT_S3_SECRET_KEY (and
// HEXKIT_S3_REGION) or run scripts/servers. Services test their own code
// against objstore/memobjstore, which needs no server.
package s3
