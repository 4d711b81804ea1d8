// Package app wires the streamcalc service: it loads the configuration,
// opens the event provider it names (the in-memory broker or Apache Kafka)
// through package wiring, connects the domain core to it through the
// eventio translators, and runs the components under package runner. It
// is the only package of the service that knows which provider runs.
package app

import (
	"errors"
	"time"

	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
	"github.com/hexkit-go/hexkit/runner"
	"github.com/hexkit-go/hexkit/wiring"
)

// Prefix is the configuration prefix: the file .streamcalc.yaml (or the
// one STREAMCALC_CONFIG_YAML names) and the variables STREAMCALC_<KEY>.
const Prefix = "streamcalc"

// Config configures the service. The keys are those of the wiring
// sections (service_name, service_instance_id, events_backend,
// kafka_servers, ...) and the service's own below.
type Config struct {
	wiring.Service
	wiring.Events
	runner.Config // health_addr, drain_timeout

	// ProblemsTopic is the topic the problems arrive on. Default
	// arithmetic_problems.
	ProblemsTopic string `yaml:"problems_topic"`
	// OutputTopic is the topic the results go to. Default calc_output.
	OutputTopic string `yaml:"output_topic"`
	// CreateTopics creates missing topics at start; without it a missing
	// topic on Kafka stops the service at start. The memory broker always
	// creates them. Default false.
	CreateTopics bool `yaml:"create_topics"`
	// Demo submits demo problems, prints the results and exits: true,
	// false or auto (default: true on the memory backend, which has no
	// outside producers, false on Kafka, where the service serves until
	// SIGINT/SIGTERM).
	Demo string `yaml:"demo"`
	// DemoTimeout bounds the wait for the demo's answers. Default 30s.
	DemoTimeout time.Duration `yaml:"demo_timeout"`
}

// Defaults returns the configuration before any file or variable.
func Defaults() Config {
	return Config{
		Service:       wiring.DefaultService("streamcalc"),
		ProblemsTopic: eventio.ProblemsTopic,
		OutputTopic:   eventio.OutputTopic,
		Demo:          "auto",
		DemoTimeout:   30 * time.Second,
	}
}

// Load loads the configuration with prefix streamcalc (see package
// config for the files and variables it reads); opts are config options,
// for tests.
func Load(opts ...config.Option) (Config, error) {
	return config.Load(Prefix, Defaults(), opts...)
}

// DemoMode reports whether the service runs the demo.
func (c Config) DemoMode() bool {
	if c.Demo == "auto" {
		return c.EventsBackend == "" || c.EventsBackend == wiring.Memory
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
	if c.Demo == "false" && (c.EventsBackend == "" || c.EventsBackend == wiring.Memory) {
		errs = append(errs, config.Invalid("demo", "the memory backend has no outside producers; it runs only the demo"))
	}
	if c.ProblemsTopic == "" {
		errs = append(errs, config.Invalid("problems_topic", "must not be empty"))
	}
	if c.OutputTopic == "" {
		errs = append(errs, config.Invalid("output_topic", "must not be empty"))
	}
	if c.DemoTimeout <= 0 {
		errs = append(errs, config.Invalid("demo_timeout", "must be positive"))
	}
	return errors.Join(errs...)
}
