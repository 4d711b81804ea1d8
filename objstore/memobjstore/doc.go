// Package memobjstore is the in-memory provider of the objstore protocol,
// for tests and local runs.
//
// In a test, one call gives a store whose presigned URLs work over HTTP and
// that is closed when the test ends:
//
//	store := memobjstore.NewTest(t)
//
// A local run (a service started without servers) calls [New] and closes
// the store when it stops:
//
//	store, err := memobjstore.New()
//	defer store.Close()
//
// The store keeps the bytes of every object, computes real ETags (the MD5,
// and the multipart ETag for multipart uploads) and sizes, and follows
// S3's rules where services could trip on them (parts but the last of at
// least 5 MiB, part ETags checked at completion, an existing bucket, a
// non-empty bucket). What S3 servers refuse (ids, metadata, sizes,
// expiries) the objstore layer refuses before the in-memory store is
// called, so the two refuse the same things.
//
// Its presigned URLs are real: signed with HMAC-SHA256 under a random
// per-store key over an unambiguous encoding of what they allow (each field
// length-prefixed, so no field can pass for two), expiring, and answered by an HTTP server the store runs on
// a loopback port ([WithAddress]). A test can give a URL from PresignGet,
// PresignPut, PresignPost or PresignPart to a plain net/http client, as a
// browser or a command-line client would use it. The server answers like
// S3: 200 with an ETag for PUT, 206 for a GET with one Range (416 beyond
// the end; several or malformed ranges are ignored, see objstore), 304 and
// 412 for conditional GETs and PUTs and 411 for a PUT without a
// Content-Length (the rules are objstore's), 204 for a form POST (its
// parts read as objstore.PresignedPost says), 400 EntityTooLarge over the
// POST policy's limit, 400 BadDigest when a body does not match its
// Content-MD5, 403 for a tampered or expired signature or a query
// parameter added to the URL (S3 signs the whole query), 404 for a
// missing object or upload.
//
// What a request costs before its signature is checked is bounded: a form
// POST whose fields before the file exceed [MaxPostFields] (20 KiB, S3's
// limit; versitygw allows more) is refused with 400
// MaxPostPreDataLengthExceeded after reading at most about twice that, so
// an unauthenticated client cannot make the store buffer its body.
//
// # Semantics
//
// Every operation takes one lock, so each is atomic, including copy
// without overwrite and writes with objstore.IfAbsent. InitUpload's refusal
// of a second upload for an object is the store's check before it starts
// one, as on S3. Objects are immutable once stored; a copy shares the
// bytes. Memory grows with the data stored: a test that streams 64 MiB
// holds 64 MiB. Close stops the HTTP server; the data goes with the store.
//
// # Errors
//
// The objstore sentinels, as on every provider; an invalid option, such as
// an address [New] cannot listen on, is [ErrInvalidConfig] (wrapping
// objstore.ErrInvalidOption too).
//
// # As
//
// The store has no native client: As always reports false.
//
// # Testing
//
// The store passes objstore/objstoretest, the suite the S3 provider passes
// against a real server. [WithClock] lets a test move time to expire URLs.
// Its HTTP handler has a fuzz target (FuzzHandler in the internal package
// objstore/internal/memdriver: presigned URL parsing and verification, and
// form POSTs), whose seed corpus runs with the ordinary tests.
package memobjstore
