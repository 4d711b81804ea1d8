// Package mongo is the MongoDB provider of the [dao.DAO] protocol, built on
// mongo-driver v2. It is tested against FerretDB (MongoDB wire protocol,
// SQLite backend), the server hexkit's CI runs, and written to work on
// MongoDB too.
//
//	client, err := mongo.Connect(mongo.Config{URI: mongo.Secret(uri), Database: "shop", Timeout: 5 * time.Second})
//	users, err := mongo.NewDAO[User, string](ctx, client.Database(), "users", dao.WithUnique("email"))
//
// [NewDAO] also accepts a *mongo.Database from a client the caller built
// with any options: the DAO encodes and decodes with its own settings.
//
// # Storage
//
// Documents are encoded with the json struct tags (the driver's
// UseJSONStructTags), so one struct serves events and documents. The id
// field is stored as _id, and filters and sorts on it use _id. uuid.UUID
// values, ids included, are stored as their canonical string. Times are
// BSON datetimes: UTC, millisecond precision. Unique indexes are created
// by NewDAO under the names hexkit_unique_<fields>; creating them again is
// a no-op, so every service instance may call NewDAO at start.
//
// # Semantics
//
// The protocol's semantics (package dao) hold; this provider translates
// each call into one MongoDB command (Find, FindOne, CountDocuments,
// InsertOne, ReplaceOne, DeleteOne), with a few exceptions:
//   - A duplicate key error is attributed to an index. MongoDB names the
//     index in its error; FerretDB does not, so the DAO then looks the
//     conflicting id and unique values up with extra queries (on the error
//     path only).
//   - Update with a version reads the document once more when nothing
//     matched, to tell ErrConflict from ErrNotFound.
//   - FerretDB v1 evaluates an update's filter and writes the document in
//     two steps, so two concurrent conditional replaces of one document can
//     both succeed there. The DAO therefore serializes versioned writes per
//     id within one DAO value. Optimistic concurrency across processes is
//     only as strong as the server: exact on MongoDB, best effort on
//     FerretDB v1.
//
// FerretDB has no multi-document transactions, and the protocol needs
// none: every write touches one document.
//
// # Errors
//
// Driver errors are mapped in one function: no document to
// dao.ErrNotFound; duplicate keys to dao.ErrAlreadyExists (the id),
// *dao.UniqueViolationError (another unique index) or dao.ErrConflict (a
// versioned Upsert whose id holds another version); timeouts, network
// errors and server selection failures to dao.ErrUnavailable. A call made
// while the server is down fails with dao.ErrUnavailable after at most the
// configured timeout ([Config.Timeout], or the caller's client settings),
// and the same DAO works again once the server is back. The caller's
// context error is returned unwrapped. Other errors keep the driver's
// error, reachable with errors.As.
//
// # As
//
// [DAO.Collection] returns the *mongo.Collection and [Client.Client] the
// *mongo.Client, for what the protocol does not cover. Driver errors are
// reachable with errors.As (for example mongo.WriteException).
//
// # Testing
//
// The conformance suite dao/daotest runs against the server named by
// HEXKIT_MONGO_URI, with a parity test that compares every result with
// dao/memdao, and a restart test that stops and starts a private FerretDB
// under a running workload. go run ./internal/bench mongo compares the DAO
// with the raw driver.
package mongo
