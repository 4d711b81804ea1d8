package memobjstore_test

import (
	"testing"

	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
	"github.com/hexkit-go/hexkit/objstore/objstoretest"
)

func TestConformance(t *testing.T) {
	objstoretest.Run(t, func(t *testing.T, opts ...objstore.Option) objstore.Store {
		return memobjstore.NewTest(t, memobjstore.WithStoreOptions(opts...))
	}, objstoretest.Features{})
}
