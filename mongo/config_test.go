package mongo_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

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
