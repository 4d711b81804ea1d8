// Package kvtest is the conformance suite of package kv: every provider
// runs [Run] against its backend, so that every provider accepts, refuses
// and returns the same things. The suite covers reads and writes of every
// codec, key and value validation, TTL expiry, compare-and-set (including
// races between goroutines), increments under concurrency, prefix scans,
// batches, cancellation and use after Close.
package kvtest
