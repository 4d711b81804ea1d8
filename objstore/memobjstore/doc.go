// Package memobjstore is the in-memory provider of the objstore protocol,
// for tests and local runs.
//
// A [Fake] keeps the bytes of every object, computes real ETags (the MD5,
// and the multipart ETag for multipart uploads) and sizes, and follows S3's
// rules where services could trip on them (parts but the last of at least
// 5 MiB, part ETags checked at completion, an existing bucket, a non-empty
// bucket). Its presigned URLs are real: signed with HMAC-SHA256 under a
// random per-Fake key, expiring, and served by the Fake itself as an
// [net/http.Handler]:
//
//	fake := memobjstore.New()
//	srv := httptest.NewServer(fake)
//	defer srv.Close()
//	fake.SetBaseURL(srv.URL)
//	store, _ := objstore.New(fake)
//
// Then a test can give a URL from store.PresignGet, PresignPut, PresignPost
// or PresignPart to a plain net/http client, as a browser or a command-line
// client would use it. The handler answers like S3: 200 with an ETag for
// PUT, 204 for a form POST, 400 EntityTooLarge over the POST policy's limit,
// 400 BadDigest when a body does not match its Content-MD5, 403 for a
// tampered or expired signature, 404 for a missing object or upload.
//
// # Semantics
//
// Every driver operation takes one lock, so each is atomic, including copy
// without overwrite and writes with objstore.IfAbsent. InitUpload's refusal
// of a second upload for an object is the store's check before it starts
// one, as on S3. Objects are immutable once
// stored; a copy shares the bytes. Memory grows with the data stored: a
// test that streams 64 MiB holds 64 MiB.
//
// # Testing
//
// The Fake passes objstore/objstoretest, the suite the S3 provider passes
// against a real server. [WithClock] lets a test move time to expire URLs.
package memobjstore
