// Package translators holds fileregistry's translators between the ports of
// its domain core (package registry) and hexkit's three protocols:
//
//   - Records implements registry.Records with a dao.DAO of FileRecord
//     documents (memdao in memory, the mongo provider on MongoDB);
//   - Storage implements registry.Storage with an objstore.Store and one
//     bucket (memobjstore in memory, the s3 provider on S3): uploads go
//     through size-limited POST forms into staging objects, and Commit
//     copies them to the objects downloads read;
//   - Announcer implements registry.Announcer with an events.Publisher of
//     FileRegistered events (memevents in memory, the kafka provider).
//
// FileRecord and FileRegistered are the service's contracts with the outside:
// the document schema and the event on the wire. Each translator maps the
// protocol's sentinel errors to the registry's, keeping both in the chain.
package translators
