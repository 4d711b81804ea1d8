package smoke

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/internal/testenv"
)

func TestMongoInsertFind(t *testing.T) {
	uri := testenv.MongoURI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true}))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Disconnect(context.Background())
	db := cl.Database(testenv.UniqueName(t, "smoke"))
	t.Cleanup(func() { _ = db.Drop(context.Background()) })

	type city struct {
		Name string `json:"name"`
	}
	type person struct {
		ID    string `json:"_id"`
		Name  string `json:"name"`
		Inner city   `json:"inner"`
	}
	coll := db.Collection("people")
	docs := []any{person{"1", "Ada", city{"London"}}, person{"2", "Grace", city{"New York"}}}
	if _, err := coll.InsertMany(ctx, docs); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var got person
	if err := coll.FindOne(ctx, bson.D{{Key: "inner.name", Value: "New York"}}).Decode(&got); err != nil {
		t.Fatalf("find: %v", err)
	}
	if want := (person{"2", "Grace", city{"New York"}}); got != want {
		t.Fatalf("found %+v, want %+v", got, want)
	}
	_, err = coll.InsertOne(ctx, person{ID: "1", Name: "again"})
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("inserting a duplicate _id gave %v, want a duplicate key error", err)
	}
}
