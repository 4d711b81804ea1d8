package mongo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
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

// A UUID field written by Python hexkit (pymongo: binary subtype 4) reads
// back, as does one stored as a string; other binaries are refused.
func TestCodecReadsBinaryUUIDs(t *testing.T) {
	reg := newRegistry()
	owner := uuid.New()
	decode := func(v any) (codecDoc, error) {
		raw, err := bson.Marshal(bson.D{{Key: "id", Value: "x"}, {Key: "owner", Value: v}})
		if err != nil {
			t.Fatal(err)
		}
		dec := bson.NewDecoder(bson.NewDocumentReader(bytes.NewReader(raw)))
		dec.SetRegistry(reg)
		dec.UseJSONStructTags()
		var d codecDoc
		err = dec.Decode(&d)
		return d, err
	}
	if d, err := decode(bson.Binary{Subtype: bson.TypeBinaryUUID, Data: owner[:]}); err != nil || d.Owner != owner {
		t.Errorf("binary UUID: %+v, %v", d, err)
	}
	if d, err := decode(owner.String()); err != nil || d.Owner != owner {
		t.Errorf("string UUID: %+v, %v", d, err)
	}
	if _, err := decode(bson.Binary{Data: []byte{1, 2}}); err == nil {
		t.Error("a generic binary decoded as a UUID")
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

// BenchmarkDecode100 measures what the DAO adds to the driver when it
// reads 100 documents: the id copied from _id into the struct.
func BenchmarkDecode100(b *testing.B) {
	reg := newRegistry()
	var docs []any
	for i := range 100 {
		raw, err := (&codec{reg: reg, idKey: "id"}).encode(&codecDoc{ID: fmt.Sprintf("doc%05d", i), Name: "name", Tags: []string{"a", "b"}, Created: time.Now(), Owner: uuid.New()})
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, raw)
	}
	c := &coll{codec: &codec{reg: reg, idKey: "id"}}
	run := func(b *testing.B, decode func(*mongo.Cursor, *codecDoc) error) {
		b.ReportAllocs()
		for b.Loop() {
			cur, err := mongo.NewCursorFromDocuments(docs, nil, reg)
			if err != nil {
				b.Fatal(err)
			}
			for cur.Next(context.Background()) {
				var doc codecDoc
				if err := decode(cur, &doc); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("hexkit", func(b *testing.B) {
		r := &cursor{c: c}
		run(b, func(cur *mongo.Cursor, doc *codecDoc) error {
			r.cur = cur
			return r.Decode(doc, &doc.ID)
		})
	})
	b.Run("driver", func(b *testing.B) {
		run(b, func(cur *mongo.Cursor, doc *codecDoc) error { return cur.Decode(doc) })
	})
}

func TestCodecReusesEncodersSafely(t *testing.T) {
	c := &codec{reg: newRegistry(), idKey: "id"}
	var raws []bson.Raw
	for i := range 50 {
		doc := &codecDoc{ID: fmt.Sprint(i), Name: strings.Repeat("x", i*37)}
		if i%7 == 0 {
			if _, err := c.encode(&struct {
				Big uint64 `json:"big"`
			}{Big: 1 << 63}); err == nil {
				t.Fatal("encoding an overflowing uint64 succeeded")
			}
		}
		raw, err := c.encode(doc)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	for i, raw := range raws {
		if err := raw.Validate(); err != nil {
			t.Fatalf("document %d is not valid BSON: %v", i, err)
		}
		if got := raw.Lookup("_id").StringValue(); got != fmt.Sprint(i) {
			t.Errorf("document %d has _id %q: encoders leak state between documents", i, got)
		}
		if got := raw.Lookup("name").StringValue(); len(got) != i*37 {
			t.Errorf("document %d has a name of %d bytes, want %d", i, len(got), i*37)
		}
	}
}
