package memobjstore_test

import (
	"net/http/httptest"
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
	"github.com/hexkit-go/hexkit/objstore/objstoretest"
)

// newStore returns a store over a fresh Fake served by an httptest server.
func newStore(t *testing.T) *objstore.Store {
	t.Helper()
	fake := memobjstore.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	fake.SetBaseURL(srv.URL)
	s, err := objstore.New(fake)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	objstoretest.Run(t, newStore, objstoretest.Features{})
}
