// Package app wires the streamcalc service: it reads the configuration,
// picks the event provider (the in-memory broker or Apache Kafka), and
// connects the domain core to it through the eventio translators. It is the
// only package of the service that knows which provider runs.
package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
)

// Backends the service runs on.
const (
	BackendMemory = "memory"
	BackendKafka  = "kafka"
)

// Config configures the service. Load fills it from flags and environment
// variables (flags win).
type Config struct {
	Backend       string        // memory (default) or kafka
	Brokers       []string      // Kafka seed brokers (kafka backend)
	ServiceName   string        // consumer group and log attribute; default streamcalc
	InstanceID    string        // client id suffix and log attribute; default the host name
	ProblemsTopic string        // default arithmetic_problems
	OutputTopic   string        // default calc_output
	CreateTopics  bool          // create missing topics at start (kafka backend)
	Demo          bool          // submit demo problems, print the results, exit
	DemoTimeout   time.Duration // how long the demo waits for its results
}

// ErrConfig reports an invalid configuration.
var ErrConfig = errors.New("streamcalc: invalid configuration")

// Load reads the configuration from args (without the program name) and
// from the environment variables STREAMCALC_BACKEND, STREAMCALC_KAFKA_BROKERS
// (or HEXKIT_KAFKA_BROKERS), STREAMCALC_SERVICE_NAME and
// STREAMCALC_INSTANCE_ID. The demo runs by default on the memory backend and
// not on Kafka, where the service runs until it is stopped.
func Load(args []string, getenv func(string) string) (Config, error) {
	host, _ := os.Hostname()
	env := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	brokersDefault := env("STREAMCALC_KAFKA_BROKERS", env("HEXKIT_KAFKA_BROKERS", "127.0.0.1:9092"))

	var cfg Config
	var brokers string
	demo := "auto"
	fs := flag.NewFlagSet("streamcalc", flag.ContinueOnError)
	fs.StringVar(&cfg.Backend, "backend", env("STREAMCALC_BACKEND", BackendMemory), "event backend: memory or kafka")
	fs.StringVar(&brokers, "brokers", brokersDefault, "Kafka seed brokers, comma separated")
	fs.StringVar(&cfg.ServiceName, "service", env("STREAMCALC_SERVICE_NAME", "streamcalc"), "service name (Kafka consumer group)")
	fs.StringVar(&cfg.InstanceID, "instance", env("STREAMCALC_INSTANCE_ID", host), "instance id")
	fs.StringVar(&cfg.ProblemsTopic, "problems-topic", eventio.ProblemsTopic, "topic the problems arrive on")
	fs.StringVar(&cfg.OutputTopic, "output-topic", eventio.OutputTopic, "topic the results go to")
	fs.BoolVar(&cfg.CreateTopics, "create-topics", false, "create missing topics at start (kafka backend)")
	fs.StringVar(&demo, "demo", "auto", "submit demo problems, print the results and exit: true, false or auto (true on memory)")
	fs.DurationVar(&cfg.DemoTimeout, "demo-timeout", 30*time.Second, "how long the demo waits for its results")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected arguments %q", ErrConfig, fs.Args())
	}
	for b := range strings.SplitSeq(brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			cfg.Brokers = append(cfg.Brokers, b)
		}
	}
	switch demo {
	case "auto":
		cfg.Demo = cfg.Backend == BackendMemory
	case "true":
		cfg.Demo = true
	case "false":
		cfg.Demo = false
	default:
		return Config{}, fmt.Errorf("%w: -demo must be true, false or auto, not %q", ErrConfig, demo)
	}
	return cfg, cfg.Validate()
}

// Validate reports the first problem of cfg.
func (c Config) Validate() error {
	switch c.Backend {
	case BackendMemory:
		if !c.Demo {
			return fmt.Errorf("%w: the memory backend has no outside producers; it runs only the demo", ErrConfig)
		}
	case BackendKafka:
		if len(c.Brokers) == 0 {
			return fmt.Errorf("%w: the kafka backend needs -brokers or STREAMCALC_KAFKA_BROKERS", ErrConfig)
		}
	default:
		return fmt.Errorf("%w: unknown backend %q (want memory or kafka)", ErrConfig, c.Backend)
	}
	if c.ServiceName == "" || c.ProblemsTopic == "" || c.OutputTopic == "" {
		return fmt.Errorf("%w: service name and topics must not be empty", ErrConfig)
	}
	if c.Demo && c.DemoTimeout <= 0 {
		return fmt.Errorf("%w: -demo-timeout must be positive", ErrConfig)
	}
	return nil
}
