package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/wiring"
)

// loadEnv loads the configuration from env and, when yaml is not empty, a
// .fileregistry.yaml file in an empty working directory.
func loadEnv(t *testing.T, yaml string, env ...string) (Config, error) {
	t.Helper()
	dir := t.TempDir()
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(dir, ".fileregistry.yaml"), []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Load(config.WithEnviron(append([]string{"FILEREGISTRY_SERVICE_INSTANCE_ID=i1"}, env...)),
		config.WithDirs(dir, dir), config.WithSecretsDir(""))
}

func TestLoad(t *testing.T) {
	base := Defaults()
	base.ServiceInstanceID = "i1"
	servers := []string{
		"FILEREGISTRY_EVENTS_BACKEND=kafka", "FILEREGISTRY_KAFKA_SERVERS=k:3",
		"FILEREGISTRY_DAO_BACKEND=mongo", "FILEREGISTRY_MONGO_DSN=mongodb://h:1/",
		"FILEREGISTRY_OBJSTORE_BACKEND=s3", "FILEREGISTRY_S3_ENDPOINT_URL=http://s:2",
		"FILEREGISTRY_S3_ACCESS_KEY_ID=ak", "FILEREGISTRY_S3_SECRET_ACCESS_KEY=sk",
	}
	withServers := func(c *Config) {
		c.EventsBackend, c.KafkaServers = wiring.Kafka, []string{"k:3"}
		c.DAOBackend, c.MongoDSN = wiring.Mongo, hexkit.NewSecret("mongodb://h:1/")
		c.ObjStoreBackend, c.S3EndpointURL, c.S3AccessKeyID, c.S3SecretAccessKey = wiring.S3, "http://s:2", "ak", hexkit.NewSecret("sk")
	}
	tests := []struct {
		name string
		yaml string
		env  []string
		want func(c *Config)
		demo bool
	}{
		{name: "defaults", want: func(*Config) {}, demo: true},
		{name: "servers from env serve", env: servers, want: withServers},
		{name: "servers from yaml with the demo",
			yaml: "events_backend: kafka\nkafka_servers: [k:3]\ndao_backend: mongo\nmongo_dsn: mongodb://h:1/\nobjstore_backend: s3\n" +
				"s3_endpoint_url: http://s:2\ns3_access_key_id: ak\ns3_secret_access_key: sk\nsetup: true\ndemo: \"true\"\n",
			want: func(c *Config) { withServers(c); c.Setup, c.Demo = true, "true" }, demo: true},
		{name: "env wins over yaml", yaml: "bucket: yaml-bucket\ntopic: t\n", env: []string{"FILEREGISTRY_BUCKET=env-bucket"},
			want: func(c *Config) { c.Bucket, c.Topic = "env-bucket", "t" }, demo: true},
		{name: "one backend on a server serves", env: []string{"FILEREGISTRY_DAO_BACKEND=mongo", "FILEREGISTRY_MONGO_DSN=mongodb://h:1/"},
			want: func(c *Config) { c.DAOBackend, c.MongoDSN = wiring.Mongo, hexkit.NewSecret("mongodb://h:1/") }},
		{name: "memory serving", env: []string{"FILEREGISTRY_DEMO=false", "FILEREGISTRY_LISTEN=:9000"},
			want: func(c *Config) { c.Demo, c.Listen = "false", ":9000" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := loadEnv(t, tt.yaml, tt.env...)
			if err != nil {
				t.Fatal(err)
			}
			want := base
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.DemoMode() != tt.demo {
				t.Errorf("DemoMode() = %v, want %v", got.DemoMode(), tt.demo)
			}
		})
	}
}

func TestLoadListsEveryProblem(t *testing.T) {
	_, err := loadEnv(t, "dao_backend: mongo\nobjstore_backend: s3\n", "FILEREGISTRY_EVENTS_BACKEND=kafka",
		"FILEREGISTRY_KAFKA_SERVERS= ", "FILEREGISTRY_MAX_SIZE=-1", "FILEREGISTRY_BUCKET=", "FILEREGISTRY_DEMO=maybe",
		"FILEREGISTRY_S3_SECRET_ACCESS_KEY=s3cr3t")
	if !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("err = %v, want config.ErrInvalid", err)
	}
	for _, field := range []string{"kafka_servers", "mongo_dsn", "s3_endpoint_url", "s3_access_key_id", "max_size", "bucket", "demo"} {
		if !strings.Contains(err.Error(), field+":") {
			t.Errorf("the error does not name %s:\n%v", field, err)
		}
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error shows a secret: %v", err)
	}
}

func TestConfigHidesSecrets(t *testing.T) {
	cfg, err := loadEnv(t, "", "FILEREGISTRY_MONGO_DSN=mongodb://user:hunter2@h/", "FILEREGISTRY_S3_SECRET_ACCESS_KEY=s3cr3t",
		"FILEREGISTRY_S3_SESSION_TOKEN=t0k3n")
	if err != nil {
		t.Fatal(err)
	}
	// Every fmt verb, both slog handlers and JSON, on the Config, a
	// pointer to it, and the Config in an unexported field, a slice and a map.
	testenv.SecretsHidden(t, cfg, "hunter2", "s3cr3t", "t0k3n")
}

// TestServersYAML loads the servers.yaml the README names.
func TestServersYAML(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Load(config.WithFile("../servers.yaml"), config.WithEnviron(nil), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.EventsBackend != wiring.Kafka || cfg.DAOBackend != wiring.Mongo || cfg.ObjStoreBackend != wiring.S3 || !cfg.Setup || !cfg.DemoMode() {
		t.Errorf("servers.yaml gives %+v", cfg)
	}
}
