// Package app wires the fileregistry service: it reads the configuration,
// picks the providers of the three protocols (in memory, or MongoDB, S3 and
// Kafka), connects the domain core to them through the translators, and
// serves the HTTP API or runs the demo. It is the only package of the
// service that knows which providers run.
package app

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/examples/fileregistry/registry"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/s3"
)

// Backends the service runs on.
const (
	BackendMemory  = "memory"  // memdao, memobjstore (served on loopback), memevents
	BackendServers = "servers" // MongoDB, S3, Apache Kafka
)

// Config configures the service. Load fills it from flags and environment
// variables (flags win). Its secrets (the MongoDB URI, the S3 secret key and
// session token) are hexkit.Secret values, which never print: not with any
// fmt verb, also where a Config sits in an unexported field, nor through
// log/slog or JSON.
type Config struct {
	Backend     string // memory (default) or servers
	ServiceName string // consumer group prefix and log attribute; default fileregistry
	InstanceID  string // client id suffix and log attribute; default the host name
	Listen      string // address of the HTTP API; default 127.0.0.1:8080 (the demo picks a free port)
	Topic       string // topic of the file_registered events; default file_registrations
	Bucket      string // bucket of the files; default fileregistry
	MaxSize     int64  // largest file accepted; default registry.DefaultMaxSize
	Setup       bool   // create a missing bucket and topic at start (servers backend)
	Demo        bool   // run the demo and exit
	DemoTimeout time.Duration

	// Servers backend.
	MongoURI      hexkit.Secret
	MongoDatabase string    // default fileregistry
	Collection    string    // default files
	S3            s3.Config // endpoint, region, keys, path style
	Brokers       []string  // Kafka seed brokers
}

// ErrConfig reports an invalid configuration.
var ErrConfig = errors.New("fileregistry: invalid configuration")

// Load reads the configuration from args (without the program name) and the
// environment. The flags but -max-size, -setup, -demo-timeout and -s3-tls
// have an environment variable FILEREGISTRY_<FLAG> (upper case, '-' as
// '_'); the servers' addresses and credentials fall back
// to the HEXKIT_MONGO_URI, HEXKIT_S3_ENDPOINT, HEXKIT_S3_ACCESS_KEY,
// HEXKIT_S3_SECRET_KEY, HEXKIT_S3_REGION and HEXKIT_KAFKA_BROKERS variables
// that scripts/servers prints. The MongoDB URI and the S3 secret key are read
// from the environment only, so they do not show in process listings.
func Load(args []string, getenv func(string) string) (Config, error) {
	host, _ := os.Hostname()
	env := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}

	cfg := Config{
		MongoURI: hexkit.NewSecret(env("FILEREGISTRY_MONGO_URI", "HEXKIT_MONGO_URI")),
		S3: s3.Config{
			SecretKey: hexkit.NewSecret(env("FILEREGISTRY_S3_SECRET_KEY", "HEXKIT_S3_SECRET_KEY")),
			PathStyle: true,
		},
	}
	var brokers, demo string
	fs := flag.NewFlagSet("fileregistry", flag.ContinueOnError)
	fs.StringVar(&cfg.Backend, "backend", or(env("FILEREGISTRY_BACKEND"), BackendMemory), "backend: memory, or servers (MongoDB, S3, Kafka)")
	fs.StringVar(&cfg.ServiceName, "service", or(env("FILEREGISTRY_SERVICE"), "fileregistry"), "service name")
	fs.StringVar(&cfg.InstanceID, "instance", or(env("FILEREGISTRY_INSTANCE"), host), "instance id")
	fs.StringVar(&cfg.Listen, "listen", or(env("FILEREGISTRY_LISTEN"), "127.0.0.1:8080"), "address of the HTTP API")
	fs.StringVar(&cfg.Topic, "topic", or(env("FILEREGISTRY_TOPIC"), translators.Topic), "topic of the file_registered events")
	fs.StringVar(&cfg.Bucket, "bucket", or(env("FILEREGISTRY_BUCKET"), "fileregistry"), "bucket of the files")
	fs.Int64Var(&cfg.MaxSize, "max-size", registry.DefaultMaxSize, "largest file accepted, in bytes")
	fs.BoolVar(&cfg.Setup, "setup", false, "create a missing bucket and topic at start (servers backend)")
	fs.StringVar(&demo, "demo", or(env("FILEREGISTRY_DEMO"), "auto"), "run the demo and exit: true, false or auto (true on memory)")
	fs.DurationVar(&cfg.DemoTimeout, "demo-timeout", 30*time.Second, "how long the demo waits for the announced event")
	fs.StringVar(&cfg.MongoDatabase, "mongo-database", or(env("FILEREGISTRY_MONGO_DATABASE"), "fileregistry"), "MongoDB database")
	fs.StringVar(&cfg.Collection, "collection", or(env("FILEREGISTRY_COLLECTION"), "files"), "MongoDB collection of the file records")
	fs.StringVar(&cfg.S3.Endpoint, "s3-endpoint", env("FILEREGISTRY_S3_ENDPOINT", "HEXKIT_S3_ENDPOINT"), "S3 endpoint host:port")
	fs.StringVar(&cfg.S3.Region, "s3-region", or(env("FILEREGISTRY_S3_REGION", "HEXKIT_S3_REGION"), "us-east-1"), "S3 region")
	fs.StringVar(&cfg.S3.AccessKey, "s3-access-key", env("FILEREGISTRY_S3_ACCESS_KEY", "HEXKIT_S3_ACCESS_KEY"), "S3 access key")
	fs.BoolVar(&cfg.S3.TLS, "s3-tls", false, "connect to S3 with https")
	fs.StringVar(&brokers, "brokers", or(env("FILEREGISTRY_BROKERS", "HEXKIT_KAFKA_BROKERS"), "127.0.0.1:9092"), "Kafka seed brokers, comma separated")
	if err := fs.Parse(args); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected arguments %q", ErrConfig, fs.Args())
	}
	cfg.S3.Endpoint = strings.TrimPrefix(strings.TrimPrefix(cfg.S3.Endpoint, "http://"), "https://")
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

// Validate reports the first problem of c.
func (c Config) Validate() error {
	switch c.Backend {
	case BackendMemory:
	case BackendServers:
		switch {
		case c.MongoURI.IsZero():
			return fmt.Errorf("%w: the servers backend needs FILEREGISTRY_MONGO_URI or HEXKIT_MONGO_URI", ErrConfig)
		case c.MongoDatabase == "" || c.Collection == "":
			return fmt.Errorf("%w: the MongoDB database and collection must not be empty", ErrConfig)
		case c.S3.Endpoint == "" || c.S3.AccessKey == "" || c.S3.SecretKey.IsZero():
			return fmt.Errorf("%w: the servers backend needs -s3-endpoint, -s3-access-key and FILEREGISTRY_S3_SECRET_KEY (or the HEXKIT_S3_* variables)", ErrConfig)
		case len(c.Brokers) == 0:
			return fmt.Errorf("%w: the servers backend needs -brokers", ErrConfig)
		}
	default:
		return fmt.Errorf("%w: unknown backend %q (want memory or servers)", ErrConfig, c.Backend)
	}
	switch {
	case c.ServiceName == "" || c.Topic == "" || c.Bucket == "":
		return fmt.Errorf("%w: service name, topic and bucket must not be empty", ErrConfig)
	case c.MaxSize < 0:
		return fmt.Errorf("%w: -max-size must not be negative", ErrConfig)
	case !c.Demo && c.Listen == "":
		return fmt.Errorf("%w: -listen must not be empty", ErrConfig)
	case c.Demo && c.DemoTimeout <= 0:
		return fmt.Errorf("%w: -demo-timeout must be positive", ErrConfig)
	}
	return nil
}
