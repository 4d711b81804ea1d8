// Package daotest is the conformance suite of the dao protocol. Every
// implementation runs it: the in-memory DAO in dao/memdao and the MongoDB
// provider against a real server. Implementations outside hexkit can run
// it too:
//
//	func TestConformance(t *testing.T) {
//		daotest.Run(t, daotest.Harness{
//			People:   newDAO[daotest.Person, string],
//			Counters: newDAO[daotest.Counter, int64],
//			Tickets:  newDAO[daotest.Ticket, uuid.UUID],
//		}, daotest.Features{})
//	}
//
//	func newDAO[T any, ID comparable](tb testing.TB, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
//		return myprovider.NewDAO[T, ID](opts...)
//	}
//
// # Semantics
//
// The suite checks CRUD, every sentinel error, each filter operator
// (nested paths, Or, null and missing fields), sort order by several keys
// with MongoDB's placement of missing values, skip, limit and count,
// unique indexes (single, compound, nested), optimistic concurrency and
// the version Update and Upsert return, a custom id field (WithIDField),
// id types (string, int64, uuid.UUID), millisecond time precision, zero
// values, unicode, the values every provider refuses (NaN, infinities, map
// keys with '$', '.' or NUL, strings and ids that are not valid UTF-8,
// invalid filters), large documents, cancellation, aliasing, early break
// out of Find, and concurrent use (run it with -race). Each subtest gets a
// fresh DAO from the [Harness] and runs in parallel with the others; a
// failure names the rule that broke.
//
// # Errors
//
// A constructor error returned by the harness fails the subtest, except
// where the suite expects dao.ErrInvalidOption.
//
// # Testing
//
// The suite itself is tested by running it: on memdao in every go test,
// and on FerretDB when HEXKIT_MONGO_URI is set (always in CI).
package daotest
