package kafkatest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
)

// EnvBrokers names the environment variable with the real broker's seed
// addresses (comma separated), read by [New].
const EnvBrokers = "HEXKIT_KAFKA_BROKERS"

// timeout bounds every call a helper makes to the broker.
const timeout = 60 * time.Second

// Broker is a Kafka broker for tests, with an admin client on it.
type Broker struct {
	addrs []string
	fake  *kfake.Cluster
	cl    *kgo.Client
	adm   *kadm.Client
}

// New returns the real broker when HEXKIT_KAFKA_BROKERS is set and an
// in-process one otherwise.
func New(tb testing.TB) *Broker {
	tb.Helper()
	if v := strings.TrimSpace(os.Getenv(EnvBrokers)); v != "" {
		return Connect(tb, strings.Split(v, ",")...)
	}
	return NewFake(tb)
}

// NewFake starts an in-process broker (kfake, one node, auto topic
// creation off like a production cluster) and stops it when the test ends.
// opts are passed to kfake after the defaults. A broker that answers
// plaintext requests without SASL (no kfake.EnableSASL or kfake.TLS among
// opts) refuses a SASL handshake with ILLEGAL_SASL_STATE, as a real
// broker's plaintext listener does, so kafka.Open with a Config.SASL fails
// at once with events.ErrUnauthorized instead of waiting for its ctx
// (kfake alone would drop the connection, which franz-go retries).
func NewFake(tb testing.TB, opts ...kfake.Opt) *Broker {
	tb.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1)}, opts...)...)
	if err != nil {
		tb.Fatalf("kafkatest: start in-process broker: %v", err)
	}
	tb.Cleanup(c.Close) // runs before the admin client's Close (cleanups run last-in first-out): harmless
	if withoutSASL(c.ListenAddrs()) {
		c.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			resp := req.ResponseKind().(*kmsg.SASLHandshakeResponse)
			resp.ErrorCode = kerr.IllegalSaslState.Code
			return resp, nil, true
		})
	}
	b := connect(tb, c.ListenAddrs())
	b.fake = c
	return b
}

// withoutSASL reports whether the broker at addrs answers a plaintext
// metadata request without authentication. With kfake.EnableSASL it drops
// the connection instead, and with kfake.TLS the handshake fails; one try,
// no retries, settles it within a round trip.
func withoutSASL(addrs []string) bool {
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...), kgo.RequestRetries(0))
	if err != nil {
		return false
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{}
	_, err = req.RequestWith(ctx, cl)
	return err == nil
}

// Connect returns the broker at addrs (host:port seed brokers).
func Connect(tb testing.TB, addrs ...string) *Broker {
	tb.Helper()
	var clean []string
	for _, a := range addrs {
		if a = strings.TrimSpace(a); a != "" {
			clean = append(clean, a)
		}
	}
	if len(clean) == 0 {
		tb.Fatal("kafkatest: Connect without broker addresses")
	}
	return connect(tb, clean)
}

func connect(tb testing.TB, addrs []string) *Broker {
	tb.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addrs...))
	if err != nil {
		tb.Fatalf("kafkatest: admin client for %v: %v", addrs, err)
	}
	tb.Cleanup(cl.Close)
	return &Broker{addrs: addrs, cl: cl, adm: kadm.NewClient(cl)}
}

// Addrs returns the seed broker addresses.
func (b *Broker) Addrs() []string { return append([]string(nil), b.addrs...) }

// InProcess reports whether the broker is the in-process fake.
func (b *Broker) InProcess() bool { return b.fake != nil }

// Config returns a kafka.Config for service on this broker, with a short
// linger so tests stay fast.
func (b *Broker) Config(service string) kafka.Config {
	cfg := kafka.Config{Brokers: b.Addrs(), ServiceName: service, Linger: time.Millisecond}
	if service != "" {
		cfg.InstanceID = "test"
	}
	return cfg
}

// Open returns a kafka.Client on this broker for service (see
// [Broker.Config]), with opts; it is closed when the test ends.
func (b *Broker) Open(tb testing.TB, service string, opts ...kafka.Option) *kafka.Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c, err := kafka.Open(ctx, b.Config(service), opts...)
	if err != nil {
		tb.Fatalf("kafkatest: open client: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_ = c.Close(ctx)
	})
	return c
}

// Sender returns an events.Sender on a client of its own (see
// [Broker.Open]), for messages as they are: a FailureHandler's dead
// letter queue, raw test input.
func (b *Broker) Sender(tb testing.TB) events.Sender {
	tb.Helper()
	s, err := kafka.NewSender(b.Open(tb, ""))
	if err != nil {
		tb.Fatalf("kafkatest: sender: %v", err)
	}
	return s
}

// Topic creates a topic with a name unique to this test and deletes it
// when the test ends. The name is prefix as it is, '-', the end of the
// test's name, '-' and 12 random hex digits; with an empty prefix it
// starts with the test's name. The test's name is tb.Name() (with the
// names of its parent tests) lower-cased, every run of characters other
// than a-z and 0-9 turned into one '-', any '-' at either end removed,
// then cut to its last 39 characters, less a '-' the cut leaves in front;
// "test" when nothing is left. So subtest "Mixed_Case.And--Stuff__" of
// TestX gives prefix-testx-mixed-case-and-stuff-<hex>, and subtest "ééé"
// prefix-testx-<hex>. A prefix
// that is not a valid topic name (events.ValidateTopic), or too long to
// leave room for the rest within events.MaxTopicLen, fails the test.
func (b *Broker) Topic(tb testing.TB, prefix string, partitions int) string {
	tb.Helper()
	name := testenv.UniqueName(tb, "")
	if prefix != "" {
		if err := events.ValidateTopic(prefix); err != nil {
			tb.Fatalf("kafkatest: topic prefix: %v", err)
		}
		if room := events.MaxTopicLen - len(name) - 1; len(prefix) > room {
			tb.Fatalf("kafkatest: topic prefix %q is %d characters long, more than the %d this test's names leave", prefix, len(prefix), room)
		}
		name = prefix + "-" + name
	}
	b.CreateTopic(tb, name, partitions)
	return name
}

// CreateTopic creates topic with the given partitions and deletes it when
// the test ends. A name that kafka.Client.CreateTopics refuses (an
// invalid one, see events.ValidateTopic, or an existing topic) fails the
// test, on the in-process broker as on a real one.
func (b *Broker) CreateTopic(tb testing.TB, topic string, partitions int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	adm, err := kafka.New(b.cl)
	if err != nil {
		tb.Fatal(err)
	}
	if err := adm.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: int32(partitions)}); err != nil {
		tb.Fatalf("kafkatest: create topic %s: %v", topic, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := adm.DeleteTopics(ctx, topic); err != nil {
			tb.Logf("kafkatest: delete topic %s: %v", topic, err)
		}
	})
}

// ClearTopic deletes every record currently in topic, so a test that
// shares a topic with others starts from an empty log.
func (b *Broker) ClearTopic(tb testing.TB, topic string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ends := b.endOffsets(tb, ctx, topic)
	resp, err := b.adm.DeleteRecords(ctx, ends.Offsets())
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		tb.Fatalf("kafkatest: clear topic %s: %v", topic, err)
	}
}

func (b *Broker) endOffsets(tb testing.TB, ctx context.Context, topic string) kadm.ListedOffsets {
	tb.Helper()
	ends, err := b.adm.ListEndOffsets(ctx, topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		tb.Fatalf("kafkatest: end offsets of %s: %v", topic, err)
	}
	return ends
}

// Client returns the helper's own franz-go client on the broker, for
// direct checks (kadm.NewClient(b.Client()) for admin calls). It is closed
// when the test ends.
func (b *Broker) Client() *kgo.Client { return b.cl }
