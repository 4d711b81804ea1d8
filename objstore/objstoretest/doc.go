// Package objstoretest is the conformance suite of the objstore protocol.
// Every implementation runs it:
//
//	func TestConformance(t *testing.T) {
//		objstoretest.Run(t, func(t *testing.T, opts ...objstore.Option) objstore.Store {
//			return memobjstore.NewTest(t, memobjstore.WithStoreOptions(opts...))
//		}, objstoretest.Features{})
//	}
//
// Each subtest creates its own uniquely named buckets and deletes them with
// their content when it ends, so the suite can run against a server shared
// with other tests. It uploads and downloads through presigned URLs with a
// plain net/http client, moves 5 MiB parts and streams a 64 MiB object, so
// it needs a few hundred MiB of memory with an in-memory store.
package objstoretest
