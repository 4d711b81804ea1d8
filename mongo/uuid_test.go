package mongo_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/mongo"
)

type order struct {
	ID    uuid.UUID `json:"id"`
	Buyer uuid.UUID `json:"buyer"`
	Total int       `json:"total"`
}

var orderBuyer = dao.MustField[order, uuid.UUID]("buyer")

// TestUUIDsStoredAsPythonStoresThem: documents whose id and fields are
// binary UUIDs (subtype 4), as Python hexkit (pymongo) writes them, are
// read, filtered, updated and published by a Go outbox DAO, and Go writes
// UUIDs the same way.
func TestUUIDsStoredAsPythonStoresThem(t *testing.T) {
	ctx := hexkit.WithCorrelationID(context.Background(), hexkit.NewCorrelationID())
	raw := testDB(t)
	db := wrap(t, raw)
	id, buyer := uuid.New(), uuid.New()
	bin := func(u uuid.UUID) bson.Binary { return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: u[:]} }
	cid := uuid.New()
	if _, err := raw.Collection("orders").InsertOne(ctx, bson.D{
		{Key: "_id", Value: bin(id)}, {Key: "buyer", Value: bin(buyer)}, {Key: "total", Value: 7},
		{Key: "__metadata__", Value: bson.D{{Key: "deleted", Value: false}, {Key: "published", Value: false},
			{Key: "correlation_id", Value: bin(cid)}, {Key: "last_event_id", Value: nil}}},
	}); err != nil {
		t.Fatal(err)
	}
	b, _ := memevents.New()
	if err := b.CreateTopic("orders", 1); err != nil {
		t.Fatal(err)
	}
	snd, _ := memevents.NewSender(b)
	relay, err := mongo.NewRelay(db, snd)
	if err != nil {
		t.Fatal(err)
	}
	orders, err := mongo.NewOutboxDAO[order, uuid.UUID](ctx, db, "orders", relay, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := orders.Get(ctx, id); err != nil || got != (order{ID: id, Buyer: buyer, Total: 7}) {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if got, err := orders.FindOne(ctx, orderBuyer.Eq(buyer)); err != nil || got.ID != id {
		t.Fatalf("FindOne(buyer) = %+v, %v", got, err)
	}
	if n, err := orders.Count(ctx, orderBuyer.In(buyer, uuid.New())); err != nil || n != 1 {
		t.Fatalf("Count(buyer in) = %d, %v", n, err)
	}
	if n, err := orders.PublishPending(ctx); err != nil || n != 1 {
		t.Fatalf("PublishPending = %d, %v; want the Python-written change published", n, err)
	}
	msgs := b.Messages("orders")
	if len(msgs) != 1 || msgs[0].Key != id.String() || msgs[0].CorrelationID != cid.String() {
		t.Fatalf("published %+v, want key %s and correlation id %s", msgs, id, cid)
	}
	if _, err := orders.Update(ctx, order{ID: id, Buyer: buyer, Total: 8}); err != nil {
		t.Fatal(err)
	}
	other := uuid.New()
	if err := orders.Insert(ctx, order{ID: other, Buyer: buyer, Total: 1}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []uuid.UUID{id, other} {
		var d bson.Raw
		if err := raw.Collection("orders").FindOne(ctx, bson.D{{Key: "_id", Value: bin(u)}}).Decode(&d); err != nil {
			t.Fatalf("the document %s is not stored under a binary UUID id: %v", u, err)
		}
		if sub, data, ok := d.Lookup("buyer").BinaryOK(); !ok || sub != bson.TypeBinaryUUID || uuid.UUID(data) != buyer {
			t.Errorf("buyer of %s stored as %v, want a binary UUID", u, d.Lookup("buyer"))
		}
	}
	if n, err := orders.Count(ctx, dao.All[order]()); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2 (the update replaced the Python document)", n, err)
	}
	if err := orders.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := orders.Get(ctx, id); err == nil {
		t.Fatal("Get of a deleted binary id succeeded")
	}
}
