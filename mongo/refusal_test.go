package mongo

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/internal/testenv"
)

type refusedDoc struct {
	ID string         `json:"id"`
	X  float64        `json:"x"`
	M  map[string]int `json:"m"`
}

// TestServerRefusalsMapToSentinels sends the driver documents that
// package dao refuses before any provider sees them, to check that the
// server's own refusals map to the same sentinel should one get through.
func TestServerRefusalsMapToSentinels(t *testing.T) {
	uri := testenv.MongoURI(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cl, err := mongo.Connect(options.Client().ApplyURI(uri).SetTimeout(20 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	raw := cl.Database(testenv.UniqueName(t, "refusal"))
	t.Cleanup(func() {
		_ = raw.Drop(context.Background())
		_ = cl.Disconnect(context.Background())
	})
	db, err := New(raw)
	if err != nil {
		t.Fatal(err)
	}
	reg := newRegistry()
	c := &coll{db: db, coll: raw.Collection("c", options.Collection().SetRegistry(reg)), codec: &codec{reg: reg}}
	if err := c.Init(ctx, driver.Schema{IDField: "id"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Insert(ctx, driver.StringValue("ok"), &refusedDoc{ID: "ok"}); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]refusedDoc{
		"+Inf":              {X: math.Inf(1)},
		"-Inf":              {X: math.Inf(-1)},
		"map key $set":      {M: map[string]int{"$set": 1}},
		"map key a.b":       {M: map[string]int{"a.b": 1}},
		"map key not UTF-8": {M: map[string]int{"\xff": 1}},
	} {
		doc.ID = "new"
		err := c.Insert(ctx, driver.StringValue(doc.ID), &doc)
		var we mongo.WriteException
		if !errors.Is(err, driver.ErrInvalidDocument) || !errors.As(err, &we) {
			t.Errorf("Insert of a document with %s: %v, want ErrInvalidDocument wrapping the server's error", name, err)
		}
		doc.ID = "ok"
		err = c.Replace(ctx, driver.Replace{ID: driver.StringValue("ok"), Doc: &doc})
		if !errors.Is(err, driver.ErrInvalidDocument) {
			t.Errorf("Replace with a document with %s: %v, want ErrInvalidDocument", name, err)
		}
	}
}
