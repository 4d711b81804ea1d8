package memmigrate_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/migrate/memmigrate"
)

// Three service instances start at once on one database: one migrates,
// the others wait for it, and the step runs once.
func ExampleNewMigrator() {
	ctx := context.Background()
	db := memmigrate.New()
	var mu sync.Mutex
	runs := 0
	steps := []migrate.Step[*int]{{Version: 2, Up: func(ctx context.Context, n *int) error {
		mu.Lock()
		defer mu.Unlock()
		*n++
		return nil
	}}}
	var wg sync.WaitGroup
	for range 3 {
		m, err := memmigrate.NewMigrator(db, "svcDbVersions", &runs, 2, steps)
		if err != nil {
			panic(err)
		}
		wg.Go(func() {
			if err := m.Migrate(ctx); err != nil {
				panic(err)
			}
		})
	}
	wg.Wait()
	fmt.Println("step ran", runs, "time(s)")
	// Output: step ran 1 time(s)
}
