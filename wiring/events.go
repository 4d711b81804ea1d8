package wiring

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/config"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/kafka"
)

// Events is the configuration section of the events protocol.
type Events struct {
	// EventsBackend is memory (default) or kafka.
	EventsBackend string `yaml:"events_backend"`
	// KafkaServers are the seed brokers, host:port. Required by kafka.
	KafkaServers []string `yaml:"kafka_servers"`
	// KafkaSecurityProtocol is PLAINTEXT (default), SSL, SASL_PLAINTEXT or
	// SASL_SSL.
	KafkaSecurityProtocol string `yaml:"kafka_security_protocol"`
	// KafkaSSLCAFile is the PEM file of the CA that verifies the brokers
	// (SSL, SASL_SSL); default the system roots.
	KafkaSSLCAFile string `yaml:"kafka_ssl_cafile"`
	// KafkaSSLCertFile and KafkaSSLKeyFile are the client's certificate and
	// key for mutual TLS; default none.
	KafkaSSLCertFile string `yaml:"kafka_ssl_certfile"`
	KafkaSSLKeyFile  string `yaml:"kafka_ssl_keyfile"`
	// KafkaSSLPassword would decrypt an encrypted key file, which is not
	// supported: it must stay empty.
	KafkaSSLPassword hexkit.Secret `yaml:"kafka_ssl_password"`
	// KafkaSASLMechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, in any
	// case; SASL_PLAINTEXT and SASL_SSL need it. Any other value is refused
	// on every backend.
	KafkaSASLMechanism string        `yaml:"kafka_sasl_mechanism"`
	KafkaSASLUsername  string        `yaml:"kafka_sasl_username"`
	KafkaSASLPassword  hexkit.Secret `yaml:"kafka_sasl_password"`
	// KafkaMaxMessageSize bounds a message in bytes, on Kafka and on the
	// memory broker alike: 0 (the default, 1 MiB) or at least 512, as
	// kafka.Config.MaxMessageSize takes it, on every backend.
	KafkaMaxMessageSize int32 `yaml:"kafka_max_message_size"`
	// KafkaCompressionType is snappy, lz4, zstd, gzip or none, in any
	// case; any other value is refused on every backend. Default snappy.
	KafkaCompressionType string `yaml:"kafka_compression_type"`

	// The failure handling keys, read by [Events.FailureOptions]:
	// KafkaMaxRetries is how often a failed event is retried, 0 to
	// math.MaxInt-1 (default: events' default of 3 attempts); KafkaRetryBackoff the wait before the
	// first retry (default events' 100ms); KafkaEnableDLQ sends failed
	// events to the dead letter topic KafkaDLQTopic (default dlq) instead
	// of stopping the subscriber.
	KafkaMaxRetries   *int          `yaml:"kafka_max_retries"`
	KafkaRetryBackoff time.Duration `yaml:"kafka_retry_backoff"`
	KafkaEnableDLQ    bool          `yaml:"kafka_enable_dlq"`
	KafkaDLQTopic     string        `yaml:"kafka_dlq_topic"`

	// GenerateCorrelationID false makes the publishers of [NewPublisher]
	// refuse to publish from a context without a correlation id
	// (events.WithStrictCorrelationID) instead of generating one. Default
	// (unset or true): generate.
	GenerateCorrelationID *bool `yaml:"generate_correlation_id"`
}

// Validate implements config.Validator. It refuses what kafka.Open would
// refuse on every backend, the memory one included (see the fields).
func (e Events) Validate() error {
	var errs []error
	switch e.EventsBackend {
	case "", Memory:
	case Kafka:
		if len(e.KafkaServers) == 0 {
			errs = append(errs, config.Invalid("kafka_servers", "the kafka backend needs at least one server"))
		}
		sasl := false
		switch e.KafkaSecurityProtocol {
		case "", "PLAINTEXT", "SSL":
		case "SASL_PLAINTEXT", "SASL_SSL":
			sasl = true
		default:
			errs = append(errs, config.Invalid("kafka_security_protocol", "%q is not PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", e.KafkaSecurityProtocol))
		}
		if sasl && (e.KafkaSASLUsername == "" || e.KafkaSASLPassword.IsZero()) {
			errs = append(errs, config.Invalid("kafka_sasl_username", "%s needs kafka_sasl_username and kafka_sasl_password", e.KafkaSecurityProtocol))
		}
		if sasl && e.KafkaSASLMechanism == "" {
			errs = append(errs, config.Invalid("kafka_sasl_mechanism", "%s needs kafka_sasl_mechanism (%s, %s or %s)", e.KafkaSecurityProtocol, kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512))
		}
		if (e.KafkaSSLCertFile == "") != (e.KafkaSSLKeyFile == "") {
			errs = append(errs, config.Invalid("kafka_ssl_certfile", "kafka_ssl_certfile and kafka_ssl_keyfile go together"))
		}
	default:
		errs = append(errs, config.Invalid("events_backend", "%w %q (want memory or kafka)", errUnknownBackend, e.EventsBackend))
	}
	if !e.KafkaSSLPassword.IsZero() {
		errs = append(errs, config.Invalid("kafka_ssl_password", "encrypted key files are not supported; leave it empty"))
	}
	if e.KafkaMaxRetries != nil && (*e.KafkaMaxRetries < 0 || *e.KafkaMaxRetries == math.MaxInt) {
		// FailureOptions asks for n+1 attempts, which must not overflow.
		errs = append(errs, config.Invalid("kafka_max_retries", "%d: want 0 to %d", *e.KafkaMaxRetries, math.MaxInt-1))
	}
	if e.KafkaRetryBackoff < 0 {
		errs = append(errs, config.Invalid("kafka_retry_backoff", "must not be negative"))
	}
	if e.KafkaDLQTopic != "" {
		if err := events.ValidateTopic(e.KafkaDLQTopic); err != nil {
			errs = append(errs, config.Invalid("kafka_dlq_topic", "%v", err))
		}
	}
	// The settings kafka.Open checks are checked for the memory backend
	// too, so that a configuration that works in tests works on Kafka.
	if e.KafkaMaxMessageSize < 0 || (e.KafkaMaxMessageSize > 0 && e.KafkaMaxMessageSize < 512) {
		errs = append(errs, config.Invalid("kafka_max_message_size", "%d: want 0 (default) or at least 512", e.KafkaMaxMessageSize))
	}
	switch strings.ToLower(e.KafkaCompressionType) {
	case "", "snappy", "lz4", "zstd", "gzip", "none":
	default:
		errs = append(errs, config.Invalid("kafka_compression_type", "%q is not snappy, lz4, zstd, gzip or none", e.KafkaCompressionType))
	}
	switch strings.ToUpper(e.KafkaSASLMechanism) {
	case "", kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512:
	default:
		errs = append(errs, config.Invalid("kafka_sasl_mechanism", "%q is not %s, %s or %s", e.KafkaSASLMechanism, kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512))
	}
	return errors.Join(errs...)
}

// KafkaConfig returns the kafka.Config the section describes for svc.
func (e Events) KafkaConfig(svc Service) kafka.Config {
	c := kafka.Config{
		Brokers:        e.KafkaServers,
		ServiceName:    svc.ServiceName,
		InstanceID:     svc.ServiceInstanceID,
		Compression:    e.KafkaCompressionType,
		MaxMessageSize: e.KafkaMaxMessageSize,
	}
	switch e.KafkaSecurityProtocol {
	case "SSL", "SASL_SSL":
		c.TLSFiles = &kafka.TLSFiles{CAFile: e.KafkaSSLCAFile, CertFile: e.KafkaSSLCertFile, KeyFile: e.KafkaSSLKeyFile}
	}
	switch e.KafkaSecurityProtocol {
	case "SASL_PLAINTEXT", "SASL_SSL":
		c.SASL = &kafka.SASL{Mechanism: e.KafkaSASLMechanism, Username: e.KafkaSASLUsername, Password: e.KafkaSASLPassword}
	}
	return c
}

// Broker is the events provider the configuration chose: the memory
// broker or a Kafka client. Publishers come from [NewPublisher],
// subscribers from [Broker.NewSubscriber].
type Broker struct {
	backend string
	strict  bool // publishers refuse a context without a correlation id
	mem     *memevents.Broker
	kafka   *kafka.Client
	closed  atomic.Bool
}

// OpenEvents opens the provider cfg names for the service svc. It does not
// check cfg; config.Load does.
func OpenEvents(ctx context.Context, svc Service, cfg Events) (*Broker, error) {
	switch cfg.EventsBackend {
	case "", Memory:
		var opts []memevents.Option
		if cfg.KafkaMaxMessageSize > 0 {
			opts = append(opts, memevents.WithMaxMessageSize(int(cfg.KafkaMaxMessageSize)))
		}
		b, err := memevents.New(opts...)
		if err != nil {
			return nil, err
		}
		return &Broker{backend: Memory, mem: b, strict: cfg.strict()}, nil
	case Kafka:
		c, err := kafka.Open(ctx, cfg.KafkaConfig(svc))
		if err != nil {
			return nil, err
		}
		return &Broker{backend: Kafka, kafka: c, strict: cfg.strict()}, nil
	}
	return nil, fmt.Errorf("wiring: events_backend: %w %q", errUnknownBackend, cfg.EventsBackend)
}

func (e Events) strict() bool {
	return e.GenerateCorrelationID != nil && !*e.GenerateCorrelationID
}

// Backend returns memory or kafka.
func (b *Broker) Backend() string { return b.backend }

// NewPublisher returns a publisher of E events to topic on b; with
// generate_correlation_id false it is strict about correlation ids.
func NewPublisher[E events.Event](b *Broker, topic string, opts ...events.PublisherOption) (events.Publisher[E], error) {
	if b.strict {
		opts = append([]events.PublisherOption{events.WithStrictCorrelationID()}, opts...)
	}
	if b.kafka != nil {
		return kafka.NewPublisher[E](b.kafka, topic, opts...)
	}
	return memevents.NewPublisher[E](b.mem, topic, opts...)
}

// NewSender returns a sender of messages as they are (for
// events.WithDLQ) on b.
func (b *Broker) NewSender() (events.Sender, error) {
	if b.kafka != nil {
		return kafka.NewSender(b.kafka)
	}
	return memevents.NewSender(b.mem)
}

// NewSubscriber returns a member of group on b that hands messages to h.
// Besides the events.Subscriber methods, the subscriber has
// Ready(ctx) error, nil once its Run has joined the group (see package
// runner).
func (b *Broker) NewSubscriber(group string, h events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error) {
	var sub events.Subscriber
	var err error
	if b.kafka != nil {
		sub, err = kafka.NewSubscriber(b.kafka, group, h, opts...)
	} else {
		sub, err = memevents.NewSubscriber(b.mem, group, h, opts...)
	}
	if err != nil {
		return nil, err
	}
	return &subscriber{Subscriber: sub, kafka: b.kafka != nil}, nil
}

// EnsureTopics makes sure the topics exist with the given number of
// partitions: on Kafka it checks them and creates the missing ones when
// create is set (else a missing topic is an error wrapping
// events.ErrTopicNotFound); the memory broker starts empty, so it creates
// them whatever create says.
func (b *Broker) EnsureTopics(ctx context.Context, create bool, partitions int, topics ...string) error {
	for _, t := range topics {
		if b.mem != nil {
			if err := b.mem.CreateTopic(t, partitions); err != nil && !errors.Is(err, events.ErrTopicExists) {
				return err
			}
			continue
		}
		ok, err := b.kafka.TopicExists(ctx, t)
		switch {
		case err != nil:
			return fmt.Errorf("wiring: checking topic %s: %w", t, err)
		case ok:
			continue
		case !create:
			return fmt.Errorf("wiring: %w: topic %s does not exist (create it, or let the service create it)", events.ErrTopicNotFound, t)
		}
		err = b.kafka.CreateTopics(ctx, kafka.TopicSpec{Name: t, Partitions: int32(partitions)})
		if err != nil && !errors.Is(err, events.ErrTopicExists) {
			return fmt.Errorf("wiring: creating topic %s: %w", t, err)
		}
	}
	return nil
}

// Ready returns nil when the provider answers: Kafka a metadata request,
// the memory broker while it is open. Otherwise its error wraps
// [ErrNotReady], with events.ErrClosed once Close was called, and the
// Kafka client's error (events.ErrUnavailable for a broker that does not
// answer); ctx's error is returned unwrapped.
func (b *Broker) Ready(ctx context.Context) error {
	if b.closed.Load() {
		return fmt.Errorf("%w: %w", ErrNotReady, events.ErrClosed)
	}
	if b.kafka == nil {
		return nil
	}
	if err := b.kafka.Ping(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %w", ErrNotReady, err)
	}
	return nil
}

// As reaches the provider: a **memevents.Broker or a **kafka.Client.
func (b *Broker) As(target any) bool {
	switch t := target.(type) {
	case **memevents.Broker:
		if b.mem != nil {
			*t = b.mem
			return true
		}
	case **kafka.Client:
		if b.kafka != nil {
			*t = b.kafka
			return true
		}
	}
	return false
}

// Close closes the provider; close it after every subscriber's Run
// returned.
func (b *Broker) Close(ctx context.Context) error {
	b.closed.Store(true)
	if b.kafka != nil {
		return b.kafka.Close(ctx)
	}
	return b.mem.Close()
}

// subscriber adds Ready to a provider's subscriber.
type subscriber struct {
	events.Subscriber
	kafka   bool
	running atomic.Bool
}

// Run marks the subscriber as running and runs it.
func (s *subscriber) Run(ctx context.Context) error {
	s.running.Store(true)
	defer s.running.Store(false)
	return s.Subscriber.Run(ctx)
}

// Ready returns nil once Run joined the consumer group: on Kafka when the
// group coordinator gave the member its id and generation; the memory
// broker joins the member when it is made, so there once Run runs.
func (s *subscriber) Ready(context.Context) error {
	if !s.running.Load() {
		return fmt.Errorf("%w: the subscriber is not running", ErrNotReady)
	}
	if !s.kafka {
		return nil
	}
	var cl *kgo.Client
	if !s.As(&cl) {
		return fmt.Errorf("%w: the subscriber has no client yet", ErrNotReady)
	}
	if member, gen := cl.GroupMetadata(); member == "" || gen < 0 {
		return fmt.Errorf("%w: the subscriber has not joined its group yet", ErrNotReady)
	}
	return nil
}

// readyPollInterval is how often WaitReady asks.
const readyPollInterval = 20 * time.Millisecond

// WaitReady waits until r.Ready(ctx) returns nil, or returns ctx.Err()
// when ctx ends first.
func WaitReady(ctx context.Context, r interface{ Ready(context.Context) error }) error {
	t := time.NewTicker(readyPollInterval)
	defer t.Stop()
	for {
		err := r.Ready(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
