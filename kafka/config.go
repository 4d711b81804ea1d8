package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/hexkit-go/hexkit"
)

// Config describes how to reach Apache Kafka and who this service is. The
// zero value is not usable: Brokers are required, unless Options hold a
// kgo.SeedBrokers option with at least one address; without either, Open
// fails with [ErrInvalidConfig] (franz-go's own default seed,
// 127.0.0.1:9092, is never used).
//
// Config never prints its secrets: the SASL password is a
// [github.com/hexkit-go/hexkit.Secret], and Config's String and LogValue
// methods show only what is safe to log.
type Config struct {
	// Brokers are the seed brokers, host:port; none may be empty.
	Brokers []string
	// ServiceName names the service: it is the first part of the client
	// id, and services usually pass it as the group of their subscribers
	// ([NewSubscriber]).
	ServiceName string
	// InstanceID tells instances of one service apart: the client id is
	// "<ServiceName>.<InstanceID>" (or just ServiceName when empty).
	InstanceID string

	// TLS enables TLS with this configuration. TLSFiles is the alternative
	// for configuration files; setting both is an error. Neither: plaintext.
	TLS *tls.Config
	// TLSFiles loads a TLS configuration from PEM files.
	TLSFiles *TLSFiles
	// SASL enables SASL authentication (PLAIN or SCRAM); nil disables it.
	SASL *SASL

	// Compression is the preferred batch compression: "snappy" (default),
	// "lz4", "zstd", "gzip" or "none".
	Compression string
	// MaxMessageSize bounds an encoded record batch in bytes, like Kafka's
	// max.message.bytes: a message whose batch of its own would be larger
	// (events/driver.RecordSize counts it) fails with
	// events.ErrMessageTooLarge, on the client's first send as on later
	// ones. It is franz-go's ProducerBatchMaxBytes, which an Options entry
	// may replace. Default (0) 1 MiB; a negative value, one below 512 or
	// one above 104857600 (100 MiB: franz-go's BrokerMaxWriteBytes, the
	// most one produce request carries, which an Options entry may raise)
	// fails Open with [ErrInvalidConfig].
	MaxMessageSize int32
	// Linger is how long a partition's batch waits for more records before
	// it is sent. Default 0: a batch goes out as soon as the connection to
	// its broker is free, and records that arrive while a request is in
	// flight are batched anyway, so concurrent publishers still share
	// batches while a lone caller awaiting each Publish is not delayed
	// (franz-go's own default of 10ms cost such a caller 10ms per event).
	// Negative values count as 0.
	Linger time.Duration

	// Options are extra franz-go options, applied after those derived from
	// the fields above, so they win: a kgo.SeedBrokers option here replaces
	// Brokers.
	Options []kgo.Opt
}

// TLSFiles names PEM files for TLS: the CA bundle that verifies the
// brokers and, for mutual TLS, the client's certificate and key.
type TLSFiles struct {
	CAFile   string // empty: the system roots
	CertFile string // optional, with KeyFile
	KeyFile  string // optional, with CertFile
}

// SASL mechanisms supported by [SASL].
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// SASL holds SASL credentials. Every field is required: a missing one, or
// an unknown mechanism, fails Open with [ErrInvalidConfig].
type SASL struct {
	Mechanism string // SASLPlain, SASLScramSHA256 or SASLScramSHA512, in any case
	Username  string
	Password  hexkit.Secret
}

// ClientID returns the client id the config gives: "<service>.<instance>",
// the service name alone, or "" when both are empty.
func (c Config) ClientID() string {
	if c.InstanceID == "" {
		return c.ServiceName
	}
	return c.ServiceName + "." + c.InstanceID
}

// String describes the config without secrets.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kafka.Config{Brokers:%v ServiceName:%q InstanceID:%q TLS:%t", c.Brokers, c.ServiceName,
		c.InstanceID, c.TLS != nil || c.TLSFiles != nil)
	if c.SASL != nil {
		fmt.Fprintf(&b, " SASL:%s/%s", c.SASL.Mechanism, c.SASL.Username)
	}
	fmt.Fprintf(&b, " Compression:%q MaxMessageSize:%d Linger:%v Options:%d}", c.Compression, c.MaxMessageSize,
		c.Linger, len(c.Options))
	return b.String()
}

// GoString is String, so %#v does not leak secrets either.
func (c Config) GoString() string { return c.String() }

// LogValue groups the config's loggable fields; secrets are left out.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Any("brokers", c.Brokers),
		slog.String("service", c.ServiceName),
		slog.String("instance", c.InstanceID),
		slog.Bool("tls", c.TLS != nil || c.TLSFiles != nil),
	}
	if c.SASL != nil {
		attrs = append(attrs, slog.String("sasl_mechanism", c.SASL.Mechanism), slog.String("sasl_user", c.SASL.Username))
	}
	return slog.GroupValue(attrs...)
}

// ownOptions translates the config into franz-go options, without
// Config.Options: acks=all (franz-go's default, stated so that it is
// visible), idempotence left on, and the fields of the config.
func (c Config) ownOptions() ([]kgo.Opt, error) {
	if len(c.Brokers) == 0 && len(c.Options) == 0 {
		return nil, configErr("no brokers")
	}
	// Without Brokers the seeds must come from Options: an empty seed list
	// makes franz-go's validation (newClient) fail unless Options replace
	// it, where franz-go would otherwise dial its default, 127.0.0.1:9092.
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...)}
	for _, b := range c.Brokers {
		if strings.TrimSpace(b) == "" {
			return nil, configErr("empty broker address")
		}
	}
	if c.InstanceID != "" && c.ServiceName == "" {
		return nil, configErr("instance id %q without a service name", c.InstanceID)
	}
	// A refreshed metadata at most every 250ms (franz-go's default is 5s):
	// a publish to a missing topic fails after franz-go's few metadata
	// retries, within about a second, whether or not the client has
	// published before; a warm client would otherwise take 20s.
	opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()), kgo.MetadataMinAge(250*time.Millisecond))
	if id := c.ClientID(); id != "" {
		opts = append(opts, kgo.ClientID(id))
	}
	tlsCfg, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	if tlsCfg != nil {
		opts = append(opts, kgo.DialTLSConfig(tlsCfg))
	}
	if c.SASL != nil {
		mech, err := c.SASL.mechanism()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(mech))
	}
	codec, err := compression(c.Compression)
	if err != nil {
		return nil, err
	}
	opts = append(opts, kgo.ProducerBatchCompression(codec))
	switch {
	case c.MaxMessageSize < 0 || (c.MaxMessageSize > 0 && c.MaxMessageSize < 512):
		return nil, configErr("max message size %d: want 0 (default) or at least 512", c.MaxMessageSize)
	case c.MaxMessageSize > 0:
		opts = append(opts, kgo.ProducerBatchMaxBytes(c.MaxMessageSize))
	default:
		opts = append(opts, kgo.ProducerBatchMaxBytes(1<<20))
	}
	opts = append(opts, kgo.ProducerLinger(max(c.Linger, 0)))
	return opts, nil
}

func (c Config) tlsConfig() (*tls.Config, error) {
	switch {
	case c.TLS != nil && c.TLSFiles != nil:
		return nil, configErr("both TLS and TLSFiles are set")
	case c.TLS != nil:
		return c.TLS.Clone(), nil
	case c.TLSFiles == nil:
		return nil, nil
	}
	f := c.TLSFiles
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.CAFile != "" {
		pem, err := os.ReadFile(f.CAFile)
		if err != nil {
			return nil, configErr("TLS CA file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, configErr("TLS CA file %s holds no PEM certificate", f.CAFile)
		}
		cfg.RootCAs = pool
	}
	if (f.CertFile == "") != (f.KeyFile == "") {
		return nil, configErr("TLS needs both CertFile and KeyFile, or neither")
	}
	if f.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile)
		if err != nil {
			return nil, configErr("TLS client certificate: %v", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func (s *SASL) mechanism() (sasl.Mechanism, error) {
	if s.Username == "" {
		return nil, configErr("SASL without a username")
	}
	if s.Password.IsZero() {
		return nil, configErr("SASL without a password")
	}
	switch strings.ToUpper(s.Mechanism) {
	case SASLPlain:
		return plain.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsMechanism(), nil
	case SASLScramSHA256:
		return scram.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsSha256Mechanism(), nil
	case SASLScramSHA512:
		return scram.Auth{User: s.Username, Pass: s.Password.Reveal()}.AsSha512Mechanism(), nil
	}
	return nil, configErr("SASL mechanism %q: want %s, %s or %s", s.Mechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
}

func compression(name string) (kgo.CompressionCodec, error) {
	switch strings.ToLower(name) {
	case "", "snappy":
		return kgo.SnappyCompression(), nil
	case "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, configErr("compression %q: want snappy, lz4, zstd, gzip or none", name)
}

// newClient validates opts with franz-go and builds a client.
func newClient(opts []kgo.Opt) (*kgo.Client, error) {
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return cl, nil
}
