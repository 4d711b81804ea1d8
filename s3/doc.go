// Package s3 will be the S3 provider of the objstore protocol, built on
// minio-go v7. It is tested against versitygw, an S3-compatible server.
//
// This package is a placeholder: it has no code yet.
package s3
