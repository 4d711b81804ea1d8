// Package app wires the fileregistry service: it loads the configuration,
// opens the providers of the three protocols it names (in memory, or
// MongoDB, S3 and Kafka) through package wiring, connects the domain core
// to them through the translators, and runs the HTTP API (or the demo)
// under package runner. It is the only package of the service that knows
// which providers run.
package app

import (
	"errors"
	"time"

	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/runner"
	"github.com/hexkit-go/hexkit/wiring"
)

// Prefix is the configuration prefix: the file .fileregistry.yaml (or the
// one FILEREGISTRY_CONFIG_YAML names) and the variables
// FILEREGISTRY_<KEY>.
const Prefix = "fileregistry"

// Config configures the service. The keys are those of the wiring
// sections (service_name, events_backend, kafka_servers, dao_backend,
// mongo_dsn, db_name, objstore_backend, s3_endpoint_url, ...) and the
// service's own below. Its secrets (mongo_dsn, s3_secret_access_key, ...)
// never print.
type Config struct {
	wiring.Service
	wiring.Events
	wiring.DAO
	wiring.ObjStore
	runner.Config // health_addr, drain_timeout

	// Listen is the address of the HTTP API. Default 127.0.0.1:8080 (the
	// demo picks a free loopback port).
	Listen string `yaml:"listen"`
	// Topic is the topic of the file_registered events. Default
	// file_registrations.
	Topic string `yaml:"topic"`
	// Bucket is the bucket of the files. Default fileregistry.
	Bucket string `yaml:"bucket"`
	// Collection is the collection of the file records. Default files.
	Collection string `yaml:"collection"`
	// MaxSize is the largest file accepted, in bytes. Default
	// registry.DefaultMaxSize.
	MaxSize int64 `yaml:"max_size"`
	// Setup creates a missing bucket and topic at start; without it they
	// must exist on the servers. The memory providers always create them.
	// Default false.
	Setup bool `yaml:"setup"`
	// Demo runs the demo and exits: true, false or auto (default: true
	// when every backend is memory).
	Demo string `yaml:"demo"`
	// DemoTimeout bounds the demo. Default 30s.
	DemoTimeout time.Duration `yaml:"demo_timeout"`
}

// Defaults returns the configuration before any file or variable.
func Defaults() Config {
	return Config{
		Service:     wiring.DefaultService("fileregistry"),
		DAO:         wiring.DAO{DBName: "fileregistry"},
		Listen:      "127.0.0.1:8080",
		Topic:       translators.Topic,
		Bucket:      "fileregistry",
		Collection:  "files",
		MaxSize:     registry.DefaultMaxSize,
		Demo:        "auto",
		DemoTimeout: 30 * time.Second,
	}
}

// Load loads the configuration with prefix fileregistry (see package
// config for the files and variables it reads); opts are config options,
// for tests.
func Load(opts ...config.Option) (Config, error) {
	return config.Load(Prefix, Defaults(), opts...)
}

func isMemory(backend string) bool { return backend == "" || backend == wiring.Memory }

// DemoMode reports whether the service runs the demo.
func (c Config) DemoMode() bool {
	if c.Demo == "auto" {
		return isMemory(c.EventsBackend) && isMemory(c.DAOBackend) && isMemory(c.ObjStoreBackend)
	}
	return c.Demo == "true"
}

// Validate implements config.Validator; the wiring sections check
// themselves.
func (c Config) Validate() error {
	var errs []error
	switch c.Demo {
	case "auto", "true", "false":
	default:
		errs = append(errs, config.Invalid("demo", "must be true, false or auto, not %q", c.Demo))
	}
	for key, v := range map[string]string{"topic": c.Topic, "bucket": c.Bucket, "collection": c.Collection, "listen": c.Listen} {
		if v == "" {
			errs = append(errs, config.Invalid(key, "must not be empty"))
		}
	}
	if c.MaxSize < 0 {
		errs = append(errs, config.Invalid("max_size", "must not be negative"))
	}
	if c.DemoTimeout <= 0 {
		errs = append(errs, config.Invalid("demo_timeout", "must be positive"))
	}
	return errors.Join(errs...)
}
