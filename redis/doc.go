// Package redis is the Redis provider of the key-value store protocol kv,
// on go-redis v9: [Open] dials a server from a [Config] (or [New] wraps a
// go-redis client), and [NewKV] builds a typed kv.Store on it.
//
// # Semantics
//
// Entries are plain Redis strings named prefix+key holding the encoded
// value, the layout of Python hexkit 9's Redis stores, so Go and Python
// services can share them. TTLs are Redis's own (PX), so expiry is exact
// and needs no sweeping. Versions are hashes of the value: writing the
// same value again keeps the version. Compare-and-set (one Lua script), create
// only if absent (SET NX) and Increment (INCRBY) are atomic across
// processes. Scan uses SCAN with an escaped MATCH pattern: an entry
// written during a scan may or may not be seen.
//
// # Errors
//
// The kv sentinels; [ErrInvalidConfig] for a bad Config (a database the
// server does not have included), a nil client, or a prefix or option
// NewKV refuses; [ErrUnauthorized] with kv.ErrUnauthorized for refused
// credentials or a command the ACL denies. A key under the prefix that
// holds another Redis type than a string is kv.ErrInvalidValue. A server
// that does not answer within Config.Timeout is kv.ErrUnavailable, and
// the same Client works again once the server is back; so is any other
// server error without a kv meaning.
//
// # Testing
//
// The tests run kvtest against the server in HEXKIT_REDIS_ADDR with the
// password in HEXKIT_REDIS_PASSWORD, which `scripts/servers env` prints
// after `scripts/servers up redis` (Debian's redis-server on 127.0.0.1,
// with a random password and append-only persistence). TestRestart runs
// its own redis-server on a free port, stops and restarts it during a
// write loop and checks that writes fail with kv.ErrUnavailable meanwhile,
// that the same Client recovers, and that no acknowledged write is lost.
//
// # As
//
// As on a Client or a store sets a **redis.Client of go-redis.
//
// # Security
//
// Config.Password is a hexkit.Secret and never prints. Open does not use
// TLS; reach a remote server through a client built with TLS and [New].
package redis
