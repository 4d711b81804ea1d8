package memmigrate

import (
	"testing"

	"github.com/hexkit-go/hexkit/migrate/driver"
	"github.com/hexkit-go/hexkit/migrate/migratetest"
)

func TestConformance(t *testing.T) {
	migratetest.Run(t, func(tb testing.TB) driver.Driver {
		d, err := newDriver(New(), "versions")
		if err != nil {
			tb.Fatal(err)
		}
		return d
	})
}
