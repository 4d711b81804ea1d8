package wiring

import "errors"

// ErrNotReady is wrapped by a Ready method's error while the component is
// not ready: not yet (a subscriber that has not joined its group), or no
// longer (a server that does not answer, a broker that was closed). When
// its context ends first, a Ready method that asks a server returns the
// context's error unwrapped instead.
var ErrNotReady = errors.New("wiring: not ready")

// Backend names.
const (
	Memory = "memory" // every protocol: the in-process provider
	Kafka  = "kafka"  // events
	Mongo  = "mongo"  // dao
	S3     = "s3"     // objstore
)
