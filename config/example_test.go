package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
)

// Config is a service's configuration; its initial value holds the
// defaults.
type Config struct {
	ServiceName  string        `yaml:"service_name"`
	KafkaServers []string      `yaml:"kafka_servers"`
	Timeout      time.Duration // key "timeout"
	DBPassword   hexkit.Secret // key "db_password"
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if len(c.KafkaServers) == 0 {
		errs = append(errs, config.Invalid("kafka_servers", "must not be empty"))
	}
	if c.Timeout <= 0 {
		errs = append(errs, config.Invalid("timeout", "must be positive"))
	}
	return errors.Join(errs...)
}

func Example() {
	dir, _ := os.MkdirTemp("", "config-example")
	defer os.RemoveAll(dir)
	// The deployment's YAML file, named as Python hexkit names it.
	yamlFile := filepath.Join(dir, "my_service.yaml")
	_ = os.WriteFile(yamlFile, []byte("service_name: billing\nkafka_servers: [kafka-1:9092]\ntimeout: 30\n"), 0o600)

	env := []string{ // usually the process's environment
		"MY_SERVICE_CONFIG_YAML=" + yamlFile,
		"MY_SERVICE_TIMEOUT=1m",
		"MY_SERVICE_DB_PASSWORD=hunter2",
	}
	defaults := Config{ServiceName: "my-service", Timeout: 10 * time.Second}
	cfg, err := config.Load("my_service", defaults, config.WithEnviron(env), config.WithSecretsDir(""), config.WithDirs(dir, dir))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", cfg)
	fmt.Println(cfg.DBPassword.Reveal())

	// Every problem in one error.
	env = []string{"MY_SERVICE_TIMEOUT=soon", "MY_SERVICE_KAFKA_SERVERS=[]"}
	_, err = config.Load("my_service", defaults, config.WithEnviron(env), config.WithSecretsDir(""), config.WithDirs(dir, dir))
	fmt.Println(errors.Is(err, config.ErrInvalid))
	fmt.Println(err)
	// Output:
	// {ServiceName:billing KafkaServers:[kafka-1:9092] Timeout:1m0s DBPassword:[redacted]}
	// hunter2
	// true
	// config: invalid configuration (prefix my_service): 2 problems:
	// 	timeout (env MY_SERVICE_TIMEOUT): "soon" is not a duration (like 1m30s) or a number of seconds
	// 	kafka_servers: must not be empty
}
