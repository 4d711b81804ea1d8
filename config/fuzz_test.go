package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/config"
)

// FuzzLoad feeds arbitrary YAML, dotenv and environment values to Load:
// it must not panic or hang, and it either succeeds or fails with ErrInvalid,
// never showing the secret. The seeds run with every go test.
func FuzzLoad(f *testing.F) {
	f.Add("port: 1\n", "FZ_RATIO=0.5\n", "FZ_TAGS", "[\"a\"]")
	f.Add("mongo:\n  timeout: 1e300\n", "", "FZ_MONGO", "{\"timeout\":\"x\"}")
	f.Add("labels: {1: 2}\n", "export FZ_DEBUG='yes'\n", "FZ_MAX_SIZE", "-9223372036854775809")
	f.Add("tags: {a: b}\nkafka_servers: null\n", "FZ_API_KEY=\"unterminated\n", "FZ_PORT", "0x10")
	f.Add("? [a]\n: b\n", "=\n", "FZ_MONGO__PASSWORD", "s3cr3t")
	f.Add("*anchor\n", "FZ_LABELS={\"a\":1}\n", "FZ_LINGER", "NaN")
	f.Fuzz(func(t *testing.T, yamlText, dotenv, envName, envValue string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".fz.yaml"), []byte(yamlText), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(dotenv), 0o600); err != nil {
			t.Fatal(err)
		}
		env := []string{envName + "=" + envValue, "FZ_API_KEY=s3cr3t-fuzz"}
		var cfg testConfig
		var err error
		fin := make(chan struct{})
		go func() {
			defer close(fin)
			cfg, err = config.Load("fz", defaults(), config.WithDirs(dir, ""), config.WithSecretsDir(""), config.WithEnviron(env))
		}()
		select {
		case <-fin:
		case <-time.After(3 * time.Second):
			t.Fatalf("Load hangs on yaml=%q dotenv=%q env=%q=%q", yamlText, dotenv, envName, envValue)
		}
		if err != nil {
			if !errors.Is(err, config.ErrInvalid) {
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			if strings.Contains(err.Error(), "s3cr3t-fuzz") {
				t.Fatalf("error shows the secret: %v", err)
			}
			return
		}
		if cfg.Port <= 0 || len(cfg.KafkaServers) == 0 {
			t.Fatalf("Load accepted a configuration its Validate refuses: %+v", cfg)
		}
	})
}
