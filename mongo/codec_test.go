package mongo

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
)

type codecDoc struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Tags    []string   `json:"tags"`
	Created time.Time  `json:"created"`
	Owner   uuid.UUID  `json:"owner"`
	Ref     *uuid.UUID `json:"ref"`
}

func TestCodecRenamesTheIDAndStoresUUIDsAsStrings(t *testing.T) {
	c := &codec{reg: newRegistry(), idKey: "id"}
	owner := uuid.New()
	raw, err := c.encode(&codecDoc{ID: "x", Name: "n", Owner: owner})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := raw.Lookup("_id").StringValueOK(); !ok || got != "x" {
		t.Errorf("_id = %v, want the string x", raw.Lookup("_id"))
	}
	if _, err := raw.LookupErr("id"); err == nil {
		t.Errorf("the id field is stored twice: %v", raw)
	}
	if got, ok := raw.Lookup("owner").StringValueOK(); !ok || got != owner.String() {
		t.Errorf("owner = %v, want the uuid's string form", raw.Lookup("owner"))
	}
	if got := raw.Lookup("ref").Type; got != bson.TypeNull {
		t.Errorf("nil *uuid.UUID stored as %v, want null", got)
	}
	if err := raw.Validate(); err != nil {
		t.Errorf("renamed document is not valid BSON: %v", err)
	}
	var back codecDoc
	r2, _ := renameKey(raw, "_id", "id")
	dec := bson.NewDecoder(bson.NewDocumentReader(bytes.NewReader(r2)))
	dec.SetRegistry(c.reg)
	dec.UseJSONStructTags()
	if err := dec.Decode(&back); err != nil || back.ID != "x" || back.Owner != owner || back.Ref != nil {
		t.Errorf("decoding the renamed document gave %+v, %v", back, err)
	}
}

func BenchmarkEncode(b *testing.B) {
	doc := &codecDoc{ID: "doc00001", Name: "name", Tags: []string{"a", "b"}, Created: time.Now(), Owner: uuid.New()}
	b.Run("hexkit", func(b *testing.B) {
		c := &codec{reg: newRegistry(), idKey: "id"}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.encode(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("driver", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := bson.Marshal(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
