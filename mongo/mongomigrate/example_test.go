package mongomigrate_test

import (
	"context"
	"os"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/mongo/mongomigrate"
)

// Migrate before serving: version 2 adds an index, version 3 renames a
// field and can be undone. (Not run as a test: it needs a server.)
func ExampleNewMigrator() {
	ctx := context.Background()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(os.Getenv("HEXKIT_MONGO_URI")), Database: "shop"})
	if err != nil {
		panic(err)
	}
	defer db.Close(ctx)
	rename := func(from, to string) func(context.Context, *mongodriver.Database) error {
		return func(ctx context.Context, d *mongodriver.Database) error {
			_, err := d.Collection("users").UpdateMany(ctx, bson.D{}, bson.D{{Key: "$rename", Value: bson.D{{Key: from, Value: to}}}})
			return err
		}
	}
	steps := []migrate.Step[*mongodriver.Database]{
		{Version: 2, Up: func(ctx context.Context, d *mongodriver.Database) error {
			_, err := d.Collection("users").Indexes().CreateOne(ctx, mongodriver.IndexModel{
				Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true)})
			return err
		}},
		{Version: 3, Up: rename("name", "full_name"), Down: rename("full_name", "name")},
	}
	m, err := mongomigrate.NewMigrator(db, "shopDbVersions", 3, steps, migrate.WithLease(time.Minute))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute) // waiting for another instance included
	defer cancel()
	if err := m.Migrate(ctx); err != nil {
		panic(err)
	}
}
