// Package objstore will hold hexkit's object storage protocol: buckets,
// objects, presigned URLs, multipart uploads and streaming.
//
// This package is a placeholder: it has no code yet. The protocol lands with
// its own issue, together with an in-memory fake and a conformance suite.
package objstore
