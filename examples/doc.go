// Package examples holds runnable example services, one per subdirectory,
// written as hexkit intends: a domain core behind ports, translators between
// those ports and hexkit's protocols, and an app package that picks the
// providers from the configuration alone (packages config, wiring, runner).
//
//   - streamcalc: an arithmetic service that answers problems arriving as
//     events with result events. `go run ./examples/streamcalc` runs it on
//     the in-memory broker; STREAMCALC_EVENTS_BACKEND=kafka runs it on
//     Apache Kafka.
//   - fileregistry: a file registry that uses all three protocols: file
//     records in a DAO, the bytes in object storage, moved by clients
//     through presigned URLs, and a file_registered event for every
//     confirmed upload. `go run ./examples/fileregistry` runs its demo in
//     memory; FILEREGISTRY_CONFIG_YAML=examples/fileregistry/servers.yaml
//     runs it on MongoDB, S3 and Apache Kafka.
package examples
