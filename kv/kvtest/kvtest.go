package kvtest

import (
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/kv"
)

// Harness builds fresh, empty stores. Each function is called once or more
// per subtest and must return a store over a namespace no other subtest
// sees (for a database: a new collection or key prefix, removed in
// tb.Cleanup). It passes the options on to the provider's constructor and
// returns the constructor's error.
type Harness struct {
	Bytes   func(tb testing.TB, opts ...kv.Option[[]byte]) (kv.Store[[]byte], error)
	Strings func(tb testing.TB, opts ...kv.Option[string]) (kv.Store[string], error)
	Ints    func(tb testing.TB, opts ...kv.Option[int64]) (kv.Store[int64], error)
	Docs    func(tb testing.TB, opts ...kv.Option[Doc]) (kv.Store[Doc], error)
	// Shared returns a harness whose functions all open stores over one
	// fresh namespace, so that stores of different value types see the
	// same entries (its own Shared is not used). Optional: without it,
	// the cases that need one namespace are skipped.
	Shared func(tb testing.TB) Harness
}

// Doc is the JSON value type of the suite.
type Doc struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Features tells the suite what a provider supports and how to move time.
type Features struct {
	// Advance moves the store's clock forward by d. Default: sleep d
	// (for real servers).
	Advance func(d time.Duration)
	// TTL is the expiry the TTL cases use. Default 400ms.
	TTL time.Duration
	// NoConditionalWrites: the backend refuses IfAbsent and IfVersion with
	// kv.ErrUnsupported (an S3 server without conditional writes); the
	// suite then checks that refusal instead of compare-and-set.
	NoConditionalWrites bool
	// Workers is the number of goroutines in the concurrency cases.
	// Default 8.
	Workers int
	// Rounds is how many increments each worker does. Default 10.
	Rounds int
	// DirectoryConflicts: the backend keeps entries as files, so a key
	// cannot also be a directory of another (an S3 server on a file
	// system, such as versitygw's POSIX backend): with "a" stored, every
	// write of "a/b" fails with kv.ErrConflict at once, and the reverse.
	// Otherwise the suite checks that both are stored side by side.
	DirectoryConflicts bool
}

// Run runs the whole suite against h. Subtests run in parallel.
func Run(t *testing.T, h Harness, f Features) {
	sleeps := f.Advance == nil
	if sleeps {
		f.Advance = time.Sleep
	}
	if f.TTL == 0 {
		f.TTL = 400 * time.Millisecond
	}
	if f.Workers == 0 {
		f.Workers = 8
	}
	if f.Rounds == 0 {
		f.Rounds = 10
	}
	s := &suite{h: h, f: f, sleeps: sleeps}
	tests := []struct {
		name string
		fn   func(*testing.T)
	}{
		{"CRUD", s.testCRUD},
		{"Codecs", s.testCodecs},
		{"NoAliasing", s.testNoAliasing},
		{"Keys", s.testKeys},
		{"InvalidKeys", s.testInvalidKeys},
		{"InvalidValues", s.testInvalidValues},
		{"InvalidOptions", s.testInvalidOptions},
		{"TTL", s.testTTLs},
		{"CompareAndSet", s.testCAS},
		{"ConcurrentCAS", s.testConcurrentCAS},
		{"Increment", s.testIncrement},
		{"ConcurrentIncrement", s.testConcurrentIncrement},
		{"Scan", s.testScan},
		{"Batch", s.testBatch},
		{"Cancellation", s.testCancellation},
		{"ScanCancellation", s.testScanCancellation},
		{"Directories", s.testDirectories},
		{"CounterForm", s.testCounterForm},
		{"SharedNamespace", s.testSharedNamespace},
		{"SharedConcurrentIncrement", s.testSharedConcurrentIncrement},
		{"VersionAfterDelete", s.testVersionAfterDelete},
		{"EmptyBytes", s.testEmptyBytes},
		{"Closed", s.testClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t)
		})
	}
}

// testTTLs runs the cases that move the clock one after the other, so
// that a fake clock moved by one does not expire the other's entries early.
func (s *suite) testTTLs(t *testing.T) {
	t.Run("Set", s.testTTL)
	t.Run("Increment", s.testIncrementTTL)
}

type suite struct {
	h      Harness
	f      Features
	sleeps bool // Advance sleeps: the store's clock is the real one
}

func (s *suite) bytes(t *testing.T) kv.Store[[]byte] { return must(s.h.Bytes(t))(t) }
func (s *suite) strs(t *testing.T) kv.Store[string]  { return must(s.h.Strings(t))(t) }
func (s *suite) ints(t *testing.T) kv.Store[int64]   { return must(s.h.Ints(t))(t) }
func (s *suite) docs(t *testing.T) kv.Store[Doc]     { return must(s.h.Docs(t))(t) }

// must returns a function that fails t on a constructor's error.
func must[V any](st kv.Store[V], err error) func(*testing.T) kv.Store[V] {
	return func(t *testing.T) kv.Store[V] {
		t.Helper()
		if err != nil {
			t.Fatalf("constructor: %v", err)
		}
		return st
	}
}
