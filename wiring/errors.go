package wiring

import "errors"

// ErrNotReady is wrapped by a Ready method's error while the component is
// not ready yet.
var ErrNotReady = errors.New("wiring: not ready")

// Backend names.
const (
	Memory = "memory" // every protocol: the in-process provider
	Kafka  = "kafka"  // events
	Mongo  = "mongo"  // dao
	S3     = "s3"     // objstore
)
