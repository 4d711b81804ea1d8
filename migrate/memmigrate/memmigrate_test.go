package memmigrate

import (
	"errors"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/migrate"
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

func TestNewMigratorRefuses(t *testing.T) {
	for _, name := range []string{"", "a$b", "a\x00b", `a"b`, "system.versions", strings.Repeat("v", 121), ".lead", "x\xff", "_ferretdb_v"} {
		if _, err := NewMigrator(New(), name, 0, 1, nil); !errors.Is(err, migrate.ErrInvalidCollection) {
			t.Errorf("collection %q: got %v, want ErrInvalidCollection", name, err)
		}
	}
	if _, err := NewMigrator(nil, "versions", 0, 1, nil); !errors.Is(err, migrate.ErrInvalidOption) {
		t.Errorf("nil DB: got %v, want ErrInvalidOption", err)
	}
	if _, err := NewMigrator[int](New(), "versions", 0, 0, nil); !errors.Is(err, migrate.ErrInvalidPlan) {
		t.Errorf("target 0: got %v, want ErrInvalidPlan", err)
	}
}
