// Package hexkit is a typed toolkit for domain-focused, infrastructure-agnostic,
// event-driven Go microservices.
//
// # Triple hexagonal architecture
//
// hexkit separates three roles:
//
//   - A protocol is a technology-neutral, typed interface plus the logic every
//     implementation shares (validation, encoding, routing). The protocol
//     packages are [github.com/hexkit-go/hexkit/events] (publish and subscribe),
//     [github.com/hexkit-go/hexkit/dao] (typed data access objects),
//     [github.com/hexkit-go/hexkit/objstore] (object storage with presigned
//     URLs and multipart uploads), [github.com/hexkit-go/hexkit/kv]
//     (key-value stores), [github.com/hexkit-go/hexkit/outbox] (DAOs that
//     publish their changes, persistent publishers, the relay) and
//     [github.com/hexkit-go/hexkit/migrate] (database migrations).
//   - A provider implements a protocol for one technology:
//     [github.com/hexkit-go/hexkit/kafka] (Apache Kafka through franz-go),
//     [github.com/hexkit-go/hexkit/mongo] (MongoDB through mongo-driver v2:
//     DAOs, outbox, key-value stores, and migrations in its mongomigrate
//     sub-package), [github.com/hexkit-go/hexkit/s3] (S3 through minio-go
//     v7: object and key-value stores) and [github.com/hexkit-go/hexkit/redis]
//     (key-value stores through go-redis). Each protocol also ships an
//     in-memory provider for unit tests and local runs.
//   - A translator is written by the service: it adapts the service's own
//     domain ports to a protocol. The programs under examples/ show how.
//
// Domain code depends on its ports only; translators depend on protocols;
// only the wiring in main picks providers. The protocol packages and their
// in-memory providers import no driver SDK, so a service's unit tests build
// without Kafka, MongoDB or S3 clients.
//
// # This package
//
// Package hexkit itself holds what every layer shares: correlation ids that
// follow a request through contexts, events and log records
// ([WithCorrelationID], [CorrelationID], [NewCorrelationID],
// [ValidateCorrelationID]), and a [log/slog] handler that stamps every record
// with the correlation id and the service's identity ([NewLogHandler]), and
// [Secret], the one type of every password, key and token in a provider's
// configuration, which no formatting, logging or encoding reveals.
//
// How a protocol and its providers are shaped (a user-facing package over a
// provider contract in its driver sub-package, constructors named Open and
// New, one option style) is written down in CONTRIBUTING.md.
package hexkit
