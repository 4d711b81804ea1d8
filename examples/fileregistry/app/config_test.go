package app

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/s3"
)

func TestLoad(t *testing.T) {
	servers := map[string]string{
		"HEXKIT_MONGO_URI": "mongodb://h:1/", "HEXKIT_S3_ENDPOINT": "http://s:2", "HEXKIT_S3_ACCESS_KEY": "ak",
		"HEXKIT_S3_SECRET_KEY": "sk", "HEXKIT_KAFKA_BROKERS": "k:3",
	}
	base := Config{
		Backend: BackendMemory, ServiceName: "fileregistry", InstanceID: "i1", Listen: "127.0.0.1:8080",
		Topic: "file_registrations", Bucket: "fileregistry", MaxSize: registry.DefaultMaxSize,
		Demo: true, DemoTimeout: 30 * time.Second, MongoDatabase: "fileregistry", Collection: "files",
		S3: s3.Config{Region: "us-east-1", PathStyle: true}, Brokers: []string{"127.0.0.1:9092"},
	}
	withServers := func(c *Config) {
		c.MongoURI, c.S3.Endpoint, c.S3.AccessKey, c.S3.SecretKey, c.Brokers = hexkit.NewSecret("mongodb://h:1/"), "s:2", "ak", hexkit.NewSecret("sk"), []string{"k:3"}
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *Config)
		err  bool
	}{
		{name: "defaults", want: func(*Config) {}},
		{name: "servers from the hexkit variables serve by default", args: []string{"-backend", "servers"}, env: servers,
			want: func(c *Config) { withServers(c); c.Backend, c.Demo = BackendServers, false }},
		{name: "service variables win over hexkit ones", env: map[string]string{"FILEREGISTRY_BROKERS": "a:1,b:2", "HEXKIT_KAFKA_BROKERS": "k:3", "FILEREGISTRY_S3_SECRET_KEY": "mine", "HEXKIT_S3_SECRET_KEY": "sk"},
			want: func(c *Config) { c.Brokers, c.S3.SecretKey = []string{"a:1", "b:2"}, hexkit.NewSecret("mine") }},
		{name: "flags win over env", args: []string{"-bucket", "flag-bucket", "-topic", "t"}, env: map[string]string{"FILEREGISTRY_BUCKET": "env-bucket", "FILEREGISTRY_TOPIC": "e"},
			want: func(c *Config) { c.Bucket, c.Topic = "flag-bucket", "t" }},
		{name: "servers demo with setup", args: []string{"-backend", "servers", "-demo=true", "-setup", "-s3-endpoint", "x:9", "-s3-tls"}, env: servers,
			want: func(c *Config) {
				withServers(c)
				c.Backend, c.Setup, c.S3.Endpoint, c.S3.TLS = BackendServers, true, "x:9", true
			}},
		{name: "memory serving", args: []string{"-demo=false", "-listen", ":9000"}, want: func(c *Config) { c.Demo, c.Listen = false, ":9000" }},
		{name: "servers without mongo", args: []string{"-backend", "servers"}, env: map[string]string{"HEXKIT_S3_ENDPOINT": "s:2", "HEXKIT_S3_ACCESS_KEY": "ak", "HEXKIT_S3_SECRET_KEY": "sk"}, err: true},
		{name: "servers without s3 secret", args: []string{"-backend", "servers"}, env: map[string]string{"HEXKIT_MONGO_URI": "m", "HEXKIT_S3_ENDPOINT": "s:2", "HEXKIT_S3_ACCESS_KEY": "ak"}, err: true},
		{name: "servers without brokers", args: []string{"-backend", "servers", "-brokers", " "}, env: servers, err: true},
		{name: "unknown backend", args: []string{"-backend", "floppy"}, err: true},
		{name: "bad demo value", args: []string{"-demo=maybe"}, err: true},
		{name: "negative max size", args: []string{"-max-size=-1"}, err: true},
		{name: "empty bucket", args: []string{"-bucket", ""}, err: true},
		{name: "stray argument", args: []string{"extra"}, err: true},
		{name: "unknown flag", args: []string{"-nope"}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"FILEREGISTRY_INSTANCE": "i1"}
			for k, v := range tt.env {
				vars[k] = v
			}
			got, err := Load(tt.args, func(k string) string { return vars[k] })
			if tt.err {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("Load(%q) error = %v, want ErrConfig", tt.args, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load(%q): %v", tt.args, err)
			}
			want := base
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Load(%q) (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

// TestConfigHidesSecrets prints a Config holding a MongoDB password, an S3
// secret key and an S3 session token every way a service might: every fmt
// verb and flag, directly, through a pointer, inside exported and
// unexported struct fields, slices and maps; both slog handlers; JSON. No
// output may show a secret, in plain text or hex.
func TestConfigHidesSecrets(t *testing.T) {
	secrets := []string{"hunter2", "s3cr3t", "t0k3n"}
	cfg := Config{
		Backend: BackendServers, Bucket: "visible-bucket",
		MongoURI: hexkit.NewSecret("mongodb://user:hunter2@h/"),
		S3:       s3.Config{AccessKey: "ak", SecretKey: hexkit.NewSecret("s3cr3t"), SessionToken: hexkit.NewSecret("t0k3n")},
	}
	type inner struct{ c Config }
	type outer struct {
		C Config
		p *Config
	}
	values := map[string]any{
		"Config": cfg, "*Config": &cfg, "unexported field": inner{cfg}, "nested": outer{cfg, &cfg},
		"slice": []Config{cfg}, "map": map[string]Config{"k": cfg},
	}
	check := func(how, out string) {
		t.Helper()
		for _, s := range secrets {
			for _, form := range []string{s, hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s)))} {
				if strings.Contains(out, form) {
					t.Errorf("%s shows the secret %s: %s", how, s, out)
				}
			}
		}
	}
	for name, v := range values {
		for _, verb := range []string{"v", "+v", "#v", "s", "q", "x", "X", "% x", "d", "t", "o", "b", "e", "f", "g", "c", "U", "p", "T", "10.3v", "-20s"} {
			check(fmt.Sprintf("%%%s of %s", verb, name), fmt.Sprintf("%"+verb, v))
		}
		check("Sprint of "+name, fmt.Sprint(v))
		js, err := json.Marshal(v)
		if err != nil {
			t.Errorf("json.Marshal(%s) = %v", name, err)
		}
		check("JSON of "+name, string(js))
		var text, jsonLog bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("config", "cfg", v, slog.Group("g", "cfg", v))
		slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "cfg", v, slog.Group("g", "cfg", v))
		check("slog text of "+name, text.String())
		check("slog JSON of "+name, jsonLog.String())
	}
	if js, err := json.Marshal(cfg); err != nil || !strings.Contains(string(js), "visible-bucket") {
		t.Errorf("json.Marshal(Config) = %s, %v; want the configuration without its secrets", js, err)
	}
}
