package memoutbox_test

import (
	"errors"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/memoutbox"
	"github.com/hexkit-go/hexkit/outbox/outboxtest"
)

// withMetadata has a top-level field of the name an outbox keeps its
// publication state in.
type withMetadata struct {
	ID   string         `json:"id"`
	Meta map[string]int `json:"__metadata__"`
}

// nestedMetadata has the name one level down, which is the document's own.
type nestedMetadata struct {
	ID    string       `json:"id"`
	Inner withMetadata `json:"inner"`
}

func TestMetadataFieldRefused(t *testing.T) {
	b := outboxtest.NewMemBroker(t)
	r, err := memoutbox.NewRelay(b.Sender(t))
	if err != nil {
		t.Fatal(err)
	}
	if d, err := memoutbox.New[withMetadata, string](r, "t"); !errors.Is(err, dao.ErrInvalidDocument) || d != nil {
		t.Errorf("New of a type with a top-level field %s = %v, %v; want nil and an error wrapping dao.ErrInvalidDocument", outbox.MetadataField, d, err)
	}
	if _, err := memoutbox.New[nestedMetadata, string](r, "t"); err != nil {
		t.Errorf("New of a type with a nested field %s = %v, want nil", outbox.MetadataField, err)
	}
}
