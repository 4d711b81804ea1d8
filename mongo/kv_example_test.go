package mongo_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/mongo"
)

// A key-value store of sessions in the collection Python hexkit uses.
// (Needs a server: compiled, not run.)
func ExampleNewKV() {
	ctx := context.Background()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret("mongodb://127.0.0.1:27017/"), Database: "app"})
	if err != nil {
		panic(err)
	}
	defer db.Close(ctx)
	type Session struct {
		User string `json:"user"`
	}
	sessions, err := mongo.NewKV[Session](ctx, db, mongo.DefaultKVCollection)
	if err != nil {
		panic(err)
	}
	defer sessions.Close()
	if _, err := sessions.Set(ctx, "s-1", Session{User: "ada"}, kv.WithTTL(time.Hour)); err != nil {
		panic(err)
	}
	s, err := sessions.Get(ctx, "s-1")
	fmt.Println(s.User, err)
}
