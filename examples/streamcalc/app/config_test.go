package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/wiring"
)

// loadEnv loads the configuration from env and, when yaml is not empty, a
// .streamcalc.yaml file in an empty working directory.
func loadEnv(t *testing.T, yaml string, env ...string) (Config, error) {
	t.Helper()
	dir := t.TempDir()
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(dir, ".streamcalc.yaml"), []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Load(config.WithEnviron(append([]string{"STREAMCALC_SERVICE_INSTANCE_ID=i1"}, env...)),
		config.WithDirs(dir, dir), config.WithSecretsDir(""))
}

func TestLoad(t *testing.T) {
	base := Defaults()
	base.ServiceInstanceID = "i1"
	tests := []struct {
		name string
		yaml string
		env  []string
		want func(c *Config)
		demo bool
	}{
		{name: "defaults", want: func(*Config) {}, demo: true},
		{name: "kafka from env serves", env: []string{"STREAMCALC_EVENTS_BACKEND=kafka", "STREAMCALC_KAFKA_SERVERS=a:1, b:2"},
			want: func(c *Config) { c.EventsBackend, c.KafkaServers = wiring.Kafka, []string{"a:1", "b:2"} }},
		{name: "kafka from yaml", yaml: "events_backend: kafka\nkafka_servers: [h:9]\ncreate_topics: true\ndemo: \"true\"\n",
			want: func(c *Config) {
				c.EventsBackend, c.KafkaServers, c.CreateTopics, c.Demo = wiring.Kafka, []string{"h:9"}, true, "true"
			}, demo: true},
		{name: "env wins over yaml", yaml: "problems_topic: from-yaml\noutput_topic: out\n", env: []string{"STREAMCALC_PROBLEMS_TOPIC=from-env"},
			want: func(c *Config) { c.ProblemsTopic, c.OutputTopic = "from-env", "out" }, demo: true},
		{name: "durations", env: []string{"STREAMCALC_DEMO_TIMEOUT=5", "STREAMCALC_DRAIN_TIMEOUT=1m"},
			want: func(c *Config) { c.DemoTimeout, c.DrainTimeout = 5*time.Second, time.Minute }, demo: true},
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
	_, err := loadEnv(t, "events_backend: rabbit\n", "STREAMCALC_DEMO=maybe", "STREAMCALC_OUTPUT_TOPIC=", "STREAMCALC_DEMO_TIMEOUT=soon")
	if !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("err = %v, want config.ErrInvalid", err)
	}
	for _, field := range []string{"events_backend", "demo", "output_topic", "demo_timeout"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("the error does not name %s:\n%v", field, err)
		}
	}
	if _, err := loadEnv(t, "", "STREAMCALC_DEMO=false"); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("memory without the demo: %v", err)
	}
	if _, err := loadEnv(t, "", "STREAMCALC_EVENTS_BACKEND=kafka", "STREAMCALC_KAFKA_SERVERS=[]"); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("kafka without servers: %v", err)
	}
}

// TestKafkaYAML loads the kafka.yaml the README names.
func TestKafkaYAML(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Load(config.WithEnviron([]string{"STREAMCALC_CONFIG_YAML=../kafka.yaml"}), config.WithDirs(dir, dir), config.WithSecretsDir(""))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.EventsBackend != wiring.Kafka || !cfg.CreateTopics || cfg.DemoMode() {
		t.Errorf("kafka.yaml gives %+v", cfg)
	}
}
