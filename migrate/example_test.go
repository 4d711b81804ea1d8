package migrate_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/memmigrate"
)

// users is what the example's steps change; with MongoDB it would be the
// *mongo.Database.
type users struct{ names map[string]string }

var steps = []migrate.Step[*users]{
	{Version: 2, Up: func(ctx context.Context, u *users) error {
		u.names["u1"] = "Ada Lovelace"
		return nil
	}},
	{Version: 3,
		Up: func(ctx context.Context, u *users) error {
			u.names["u1"] = "LOVELACE, Ada"
			return nil
		},
		Down: func(ctx context.Context, u *users) error {
			u.names["u1"] = "Ada Lovelace"
			return nil
		},
	},
}

// A service migrates its database to the version it expects before
// serving; the history records each step.
func Example() {
	ctx := context.Background()
	db, data := memmigrate.New(), &users{names: map[string]string{}}
	m, err := memmigrate.NewMigrator(db, "svcDbVersions", data, 3, steps)
	if err != nil {
		panic(err)
	}
	if err := m.Migrate(ctx); err != nil {
		panic(err)
	}
	h, _ := m.History(ctx)
	for _, r := range h {
		fmt.Println("version", r.Version, "backward", r.Backward)
	}
	fmt.Println(data.names["u1"])
	// Output:
	// version 1 backward false
	// version 2 backward false
	// version 3 backward false
	// LOVELACE, Ada
}

// An older service instance refuses to start on a newer database: it
// cannot undo steps it does not know.
func ExampleVersionError() {
	ctx := context.Background()
	db, data := memmigrate.New(), &users{names: map[string]string{}}
	newer, _ := memmigrate.NewMigrator(db, "svcDbVersions", data, 3, steps)
	_ = newer.Migrate(ctx)

	older, _ := memmigrate.NewMigrator(db, "svcDbVersions", data, 2, steps[:1])
	err := older.Migrate(ctx)
	var ve *migrate.VersionError
	fmt.Println(errors.Is(err, migrate.ErrDatabaseNewer), errors.As(err, &ve), ve.Database, ve.Service)
	fmt.Println(err)
	// Output:
	// true true 3 2
	// migrate: database is newer than the service expects: database version 3, service expects 2
}

// A service built with a lower target and the newer steps' Down goes back.
func ExampleMigrator_Migrate_down() {
	ctx := context.Background()
	db, data := memmigrate.New(), &users{names: map[string]string{}}
	v3, _ := memmigrate.NewMigrator(db, "svcDbVersions", data, 3, steps)
	_ = v3.Migrate(ctx)

	v2, _ := memmigrate.NewMigrator(db, "svcDbVersions", data, 2, steps)
	if err := v2.Migrate(ctx); err != nil {
		panic(err)
	}
	v, _ := v2.Version(ctx)
	fmt.Println(v, data.names["u1"])
	// Output: 2 Ada Lovelace
}

// An instance that must not migrate checks the version instead.
func ExampleMigrator_Check() {
	ctx := context.Background()
	db, data := memmigrate.New(), &users{names: map[string]string{}}
	m, _ := memmigrate.NewMigrator(db, "svcDbVersions", data, 3, steps)
	fmt.Println(m.Check(ctx))
	_ = m.Migrate(ctx)
	fmt.Println(m.Check(ctx))
	// Output:
	// migrate: database is older than the service expects: database version 0, service expects 3
	// <nil>
}
