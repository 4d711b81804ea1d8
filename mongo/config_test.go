package mongo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/mongo"
)

func TestSecretNeverPrints(t *testing.T) {
	const uri = "mongodb://user:hunter2@db.internal:27017/"
	cfg := mongo.Config{URI: mongo.Secret(uri), Database: "shop"}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfg, "uri", cfg.URI)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s %q %x", cfg, cfg, cfg, cfg.URI, cfg.URI, cfg.URI),
		string(js), logged.String(),
	} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, "db.internal") {
			t.Errorf("the URI leaked: %s", out)
		}
	}
	if cfg.URI.Value() != uri {
		t.Errorf("Value() = %q, want the URI", cfg.URI.Value())
	}
}

func TestConnectValidatesConfig(t *testing.T) {
	for _, cfg := range []mongo.Config{
		{Database: "db"},
		{URI: "mongodb://127.0.0.1:1/"},
		{URI: "mongodb://127.0.0.1:1/", Database: "db", Timeout: -1},
		{URI: "http://user:hunter2@x/", Database: "db"},
	} {
		c, err := mongo.Connect(cfg)
		if err == nil {
			c.Close(t.Context())
			t.Errorf("Connect(%v) succeeded, want an error", cfg)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Connect's error leaks the URI: %v", err)
		}
	}
}

func TestConnectAndClose(t *testing.T) {
	uri := testenv.MongoURI(t)
	ctx := t.Context()
	cl, err := mongo.Connect(mongo.Config{URI: mongo.Secret(uri), Database: testenv.UniqueName(t, "dao"), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	d, err := mongo.NewDAO[daotest.Counter, int64](ctx, cl.Database(), "counters")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Insert(ctx, daotest.Counter{ID: 1, N: 1}); err != nil {
		t.Fatalf("Insert through a Connect-ed client: %v", err)
	}
	if err := cl.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err = d.Get(ctx, 1)
	if !errors.Is(err, dao.ErrUnavailable) {
		t.Errorf("Get after Close returned %v, want dao.ErrUnavailable", err)
	}
	// Drop the database through a second client.
	other, err := mongo.Connect(mongo.Config{URI: mongo.Secret(uri), Database: cl.Database().Name()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(context.Background())
	if err := other.Database().Drop(ctx); err != nil {
		t.Errorf("dropping the test database: %v", err)
	}
}
