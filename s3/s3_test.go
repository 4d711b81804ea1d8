package s3_test

import (
	"testing"

	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/objstoretest"
	"github.com/hexkit-go/hexkit/s3"
)

func config(tb testing.TB) s3.Config {
	tb.Helper()
	srv := testenv.S3Server(tb)
	return s3.Config{Endpoint: srv.Endpoint, Region: srv.Region, AccessKey: srv.AccessKey,
		SecretKey: srv.SecretKey, PathStyle: true}
}

func newStore(t *testing.T) *objstore.Store {
	t.Helper()
	s, err := s3.Open(config(t))
	if err != nil {
		t.Fatalf("s3.Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	objstoretest.Run(t, newStore, objstoretest.Features{})
}
