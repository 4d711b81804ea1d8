package objstoretest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
	"github.com/hexkit-go/hexkit/objstore/objstoretest"
)

// A provider's test passes Run a NewStore and the Features of its backend:
//
//	func TestConformance(t *testing.T) { objstoretest.Run(t, newStore, features) }
//
// NewStore hands the suite's options (part size, id rules) to the provider and
// closes the store when the subtest ends; memobjstore.NewTest does both.
// Features.HTTPClient sends the suite's requests to presigned URLs: a provider
// whose server needs a particular transport, or tests that want a time limit
// on every request, set it.
func ExampleFeatures() {
	var newStore objstoretest.NewStore = func(t *testing.T, opts ...objstore.Option) objstore.Store {
		return memobjstore.NewTest(t, memobjstore.WithStoreOptions(opts...))
	}
	features := objstoretest.Features{HTTPClient: &http.Client{Timeout: 30 * time.Second}}
	fmt.Println(newStore != nil, features.HTTPClient.Timeout)
	// Output:
	// true 30s
}
