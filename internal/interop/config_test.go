package interop

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/wiring"
)

// pythonConfig is a Python hexkit service's configuration: KafkaConfig
// and one field of its own, loaded by config_from_yaml.
const pythonConfig = `
import json
from hexkit.config import config_from_yaml
from hexkit.providers.akafka.config import KafkaConfig

@config_from_yaml(prefix="interop_svc")
class Config(KafkaConfig):
    topic: str = "default-topic"

print(json.dumps(Config().model_dump(mode="json")))
`

// goConfig is the same service's configuration in Go.
type goConfig struct {
	wiring.Service
	wiring.Events
	Topic string
}

// TestConfigCarriesOver loads one deployment configuration (a YAML file
// found by each convention, a .env file and environment variables) with
// Python hexkit's config_from_yaml and with package config, and compares
// what each service gets.
func TestConfigCarriesOver(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	python, err := EnsurePython(ctx)
	if err != nil {
		t.Fatalf("setting up Python hexkit: %v", err)
	}
	yaml := `service_name: from-yaml
service_instance_id: i-1
kafka_servers: ["yaml:9092"]
kafka_max_retries: 4
kafka_retry_backoff: 2
kafka_enable_dlq: true
kafka_compression_type: zstd
topic: yaml-topic
`
	for _, where := range []string{"working directory", "home directory", "INTEROP_SVC_CONFIG_YAML"} {
		t.Run(where, func(t *testing.T) {
			work, home := t.TempDir(), t.TempDir()
			env := []string{
				`INTEROP_SVC_KAFKA_SERVERS=["env-1:9092","env-2:9092"]`,
				"interop_svc_topic=env-topic",
			}
			switch where {
			case "working directory":
				writeFile(t, filepath.Join(work, ".interop_svc.yaml"), yaml)
			case "home directory":
				writeFile(t, filepath.Join(home, ".interop_svc.yaml"), yaml)
			default:
				p := filepath.Join(t.TempDir(), "deploy.yaml")
				writeFile(t, p, yaml)
				writeFile(t, filepath.Join(work, ".interop_svc.yaml"), "service_name: not-this-one\n")
				env = append(env, "INTEROP_SVC_CONFIG_YAML="+p)
			}
			writeFile(t, filepath.Join(work, ".env"), "INTEROP_SVC_KAFKA_DLQ_TOPIC=dotenv-dlq\nINTEROP_SVC_SERVICE_INSTANCE_ID=dotenv-instance\n")

			cmd := exec.CommandContext(ctx, python, "-c", pythonConfig)
			cmd.Dir = work
			cmd.Env = append([]string{"HOME=" + home}, env...)
			out, err := cmd.Output()
			if err != nil {
				var stderr []byte
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = ee.Stderr
				}
				t.Fatalf("Python hexkit: %v\n%s", err, stderr)
			}
			var py struct {
				ServiceName       string   `json:"service_name"`
				ServiceInstanceID string   `json:"service_instance_id"`
				KafkaServers      []string `json:"kafka_servers"`
				KafkaMaxRetries   int      `json:"kafka_max_retries"`
				KafkaRetryBackoff int      `json:"kafka_retry_backoff"`
				KafkaEnableDLQ    bool     `json:"kafka_enable_dlq"`
				KafkaDLQTopic     string   `json:"kafka_dlq_topic"`
				KafkaCompression  string   `json:"kafka_compression_type"`
				Topic             string   `json:"topic"`
			}
			if err := json.Unmarshal(out, &py); err != nil {
				t.Fatalf("Python's output %s: %v", out, err)
			}

			goCfg, err := config.Load("interop_svc", goConfig{Topic: "default-topic"},
				config.WithDirs(work, home), config.WithEnviron(env))
			if err != nil {
				t.Fatal(err)
			}
			if goCfg.ServiceName != py.ServiceName || goCfg.ServiceInstanceID != py.ServiceInstanceID ||
				!slices.Equal(goCfg.KafkaServers, py.KafkaServers) || goCfg.KafkaMaxRetries == nil ||
				*goCfg.KafkaMaxRetries != py.KafkaMaxRetries || goCfg.KafkaRetryBackoff != time.Duration(py.KafkaRetryBackoff)*time.Second ||
				goCfg.KafkaEnableDLQ != py.KafkaEnableDLQ || goCfg.KafkaDLQTopic != py.KafkaDLQTopic ||
				goCfg.KafkaCompressionType != py.KafkaCompression || goCfg.Topic != py.Topic {
				t.Errorf("Python hexkit loaded %+v\nhexkit-go loaded %+v", py, goCfg)
			}
			if py.ServiceName != "from-yaml" || py.ServiceInstanceID != "dotenv-instance" || py.Topic != "env-topic" || len(py.KafkaServers) != 2 {
				t.Errorf("the scenario did not exercise every source: Python loaded %+v", py)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
