package daotest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
)

// Harness builds fresh, empty DAOs of the suite's document types. Each
// function is called once per subtest and must return a DAO that no other
// subtest sees (for a database: a new collection, dropped in tb.Cleanup).
// It passes the options on to the implementation's constructor and returns
// the constructor's error.
type Harness struct {
	// People returns a DAO of Person documents with string ids.
	People func(tb testing.TB, opts ...dao.Option[Person]) (dao.DAO[Person, string], error)
	// Counters returns a DAO of Counter documents with int64 ids.
	Counters func(tb testing.TB, opts ...dao.Option[Counter]) (dao.DAO[Counter, int64], error)
	// Tickets returns a DAO of Ticket documents with uuid.UUID ids.
	Tickets func(tb testing.TB, opts ...dao.Option[Ticket]) (dao.DAO[Ticket, uuid.UUID], error)
}

// Features tells the suite what an implementation supports.
type Features struct {
	// LargeDocumentBytes is the size of the large document test. Default
	// 1 MiB (MongoDB stores up to 16 MiB).
	LargeDocumentBytes int
	// Workers is the number of goroutines in the concurrency tests.
	// Default 8.
	Workers int
	// ASCIIIDs keeps the suite's string ids printable ASCII, for DAOs
	// whose ids are also event keys (an outbox DAO refuses other ids).
	ASCIIIDs bool
}

// Run runs the whole suite against h. Subtests run in parallel.
func Run(t *testing.T, h Harness, f Features) {
	if f.LargeDocumentBytes == 0 {
		f.LargeDocumentBytes = 1 << 20
	}
	if f.Workers == 0 {
		f.Workers = 8
	}
	s := &suite{h: h, f: f}
	tests := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"CRUD", s.testCRUD},
		{"NotFound", s.testNotFound},
		{"CustomIDField", s.testCustomIDField},
		{"NoAliasing", s.testNoAliasing},
		{"TimePrecision", s.testTimePrecision},
		{"ZeroValues", s.testZeroValues},
		{"Unicode", s.testUnicode},
		{"LargeDocument", s.testLargeDocument},
		{"Filters", s.testFilters},
		{"InvalidFilter", s.testInvalidFilter},
		{"Sort", s.testSort},
		{"SkipLimitCount", s.testSkipLimitCount},
		{"FindOne", s.testFindOne},
		{"EarlyBreak", s.testEarlyBreak},
		{"UniqueSingle", s.testUniqueSingle},
		{"UniqueCompound", s.testUniqueCompound},
		{"UniqueNullable", s.testUniqueNullable},
		{"Versioning", s.testVersioning},
		{"VersionLimits", s.testVersionLimits},
		{"IntIDs", s.testIntIDs},
		{"UUIDIDs", s.testUUIDIDs},
		{"InvalidOptions", s.testInvalidOptions},
		{"RefusedValues", s.testRefusedValues},
		{"Cancellation", s.testCancellation},
		{"ConcurrentInserts", s.testConcurrentInserts},
		{"ConcurrentVersionedUpdates", s.testConcurrentVersioned},
		{"ConcurrentUpserts", s.testConcurrentUpserts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t)
		})
	}
}

type suite struct {
	h Harness
	f Features
}

func (s *suite) people(t *testing.T, opts ...dao.Option[Person]) dao.DAO[Person, string] {
	t.Helper()
	d, err := s.h.People(t, opts...)
	if err != nil {
		t.Fatalf("creating a DAO[Person, string] with %d options: %v", len(opts), err)
	}
	return d
}
