package mongo_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/mongo"
)

type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

var userEmail = dao.MustField[User, string]("email")

// Open a database from configuration and a DAO in it. (Not run as a test:
// it needs a server.)
func ExampleNewDAO() {
	ctx := context.Background()
	db, err := mongo.Open(ctx, mongo.Config{
		URI:      hexkit.NewSecret(os.Getenv("HEXKIT_MONGO_URI")),
		Database: "shop",
		Timeout:  5 * time.Second,
	})
	if err != nil {
		panic(err)
	}
	defer db.Close(ctx)
	users, err := mongo.NewDAO[User, string](ctx, db, "users", dao.WithUnique(userEmail))
	if err != nil {
		panic(err)
	}
	_ = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org", Name: "Ada"})
}

// A Config prints without its URI.
func ExampleConfig() {
	cfg := mongo.Config{URI: hexkit.NewSecret("mongodb://app:s3cret@db:27017/"), Database: "shop", Timeout: 5 * time.Second}
	fmt.Printf("%+v\n", cfg)
	fmt.Println(len(cfg.URI.Reveal()) > 0)
	// Output:
	// {URI:[redacted] Database:shop Timeout:5s}
	// true
}

// A configuration mistake is an ErrInvalidConfig, found before dialing.
func ExampleOpen() {
	_, err := mongo.Open(context.Background(), mongo.Config{URI: hexkit.NewSecret("mongodb://127.0.0.1:27017/")})
	fmt.Println(err)
	// Output:
	// mongo: invalid config: Config.Database is required
}
