package mongo_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/mongo"
)

type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Connect from configuration and open a DAO. (Not run as a test: it needs
// a server.)
func ExampleNewDAO() {
	ctx := context.Background()
	client, err := mongo.Connect(mongo.Config{
		URI:      mongo.Secret(os.Getenv("HEXKIT_MONGO_URI")),
		Database: "shop",
		Timeout:  5 * time.Second,
	})
	if err != nil {
		panic(err)
	}
	defer client.Close(ctx)
	users, err := mongo.NewDAO[User, string](ctx, client.Database(), "users", dao.WithUnique("email"))
	if err != nil {
		panic(err)
	}
	_ = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org", Name: "Ada"})
}

// A Config prints without its URI.
func ExampleSecret() {
	cfg := mongo.Config{URI: "mongodb://app:s3cret@db:27017/", Database: "shop", Timeout: 5 * time.Second}
	fmt.Printf("%+v\n", cfg)
	fmt.Println(len(cfg.URI.Value()) > 0)
	// Output:
	// {URI:[redacted] Database:shop Timeout:5s}
	// true
}
