package kafka_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

func TestConfigNeverPrintsSecrets(t *testing.T) {
	const secret = "s3cr3t-value"
	cfg := kafka.Config{Brokers: []string{"b:9092"}, ServiceName: "svc",
		SASL: &kafka.SASL{Mechanism: kafka.SASLPlain, Username: "u", Password: hexkit.NewSecret(secret)}}
	testenv.SecretsHidden(t, cfg, secret)
	testenv.SecretsHidden(t, *cfg.SASL, secret)
	if cfg.SASL.Password.Reveal() != secret {
		t.Errorf("Password.Reveal() = %q, want the value", cfg.SASL.Password.Reveal())
	}
}

func TestConfigValidation(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  kafka.Config
	}{
		{"no brokers", kafka.Config{}},
		{"empty broker", kafka.Config{Brokers: []string{" "}}},
		{"instance without service", kafka.Config{Brokers: []string{"b:1"}, InstanceID: "1"}},
		{"unknown SASL mechanism", kafka.Config{Brokers: []string{"b:1"}, SASL: &kafka.SASL{Mechanism: "GSSAPI", Username: "u"}}},
		{"SASL without user", kafka.Config{Brokers: []string{"b:1"}, SASL: &kafka.SASL{Mechanism: kafka.SASLPlain}}},
		{"PLAIN without password", kafka.Config{Brokers: []string{"b:1"}, SASL: &kafka.SASL{Mechanism: kafka.SASLPlain, Username: "u"}}},
		{"SCRAM without password", kafka.Config{Brokers: []string{"b:1"}, SASL: &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: "u"}}},
		{"options without seed brokers", kafka.Config{Options: []kgo.Opt{kgo.ClientID("x")}}},
		{"options with an empty seed list", kafka.Config{Options: []kgo.Opt{kgo.SeedBrokers()}}},
		{"negative max message size", kafka.Config{Brokers: []string{"b:1"}, MaxMessageSize: -1}},
		{"max message size 511", kafka.Config{Brokers: []string{"b:1"}, MaxMessageSize: 511}},
		{"max message size over 100 MiB", kafka.Config{Brokers: []string{"b:1"}, MaxMessageSize: 100<<20 + 1}},
		{"bad compression", kafka.Config{Brokers: []string{"b:1"}, Compression: "brotli"}},
		{"tiny max message size", kafka.Config{Brokers: []string{"b:1"}, MaxMessageSize: 10}},
		{"missing CA file", kafka.Config{Brokers: []string{"b:1"}, TLSFiles: &kafka.TLSFiles{CAFile: filepath.Join(dir, "none")}}},
		{"CA file without PEM", kafka.Config{Brokers: []string{"b:1"}, TLSFiles: &kafka.TLSFiles{CAFile: notPEM}}},
		{"cert without key", kafka.Config{Brokers: []string{"b:1"}, TLSFiles: &kafka.TLSFiles{CertFile: notPEM}}},
		{"bad franz-go option", kafka.Config{Brokers: []string{"b:1"}, Options: []kgo.Opt{kgo.MaxBufferedRecords(-5)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := kafka.Open(context.Background(), tt.cfg); !errors.Is(err, kafka.ErrInvalidConfig) {
				t.Fatalf("Open = %v, want ErrInvalidConfig", err)
			}
		})
	}
	if _, err := kafka.New(nil); !errors.Is(err, kafka.ErrInvalidConfig) {
		t.Fatalf("New(nil) = %v, want ErrInvalidConfig", err)
	}
	for name, opt := range map[string]kafka.Option{
		"key concurrency 0": kafka.WithKeyConcurrency(0),
		"max queued 0":      kafka.WithMaxQueuedRecords(0),
		"max bytes 0":       kafka.WithMaxQueuedBytes(0),
		"commit timeout 0":  kafka.WithCommitTimeout(0),
	} {
		if _, err := kafka.Open(context.Background(), kafka.Config{Brokers: []string{"b:1"}}, opt); !errors.Is(err, kafka.ErrInvalidConfig) {
			t.Errorf("Open with %s = %v, want ErrInvalidConfig", name, err)
		}
	}
}

// TestSASL authenticates with each mechanism against an in-process broker
// that requires SASL, and fails with a wrong password.
// TestSeedBrokersFromOptions: a Config without Brokers works when its
// Options name the seed brokers, for the client and its subscribers.
func TestSeedBrokersFromOptions(t *testing.T) {
	b := kafkatest.NewFake(t)
	ctx := testContext(t)
	topic := b.Topic(t, "seeds", 1)
	c := open(t, kafka.Config{Options: []kgo.Opt{kgo.SeedBrokers(b.Addrs()...)}})
	pub, err := kafka.NewSender(c)
	if err != nil {
		t.Fatal(err)
	}
	send(t, ctx, pub, msg(topic, "k", "t", `{}`))
	col := newCollector()
	startSubscriber(t, kafka.Config{ServiceName: "seeds", Options: []kgo.Opt{kgo.SeedBrokers(b.Addrs()...)}}, []string{topic}, col)
	col.waitN(t, ctx, 1)
}

func TestSASL(t *testing.T) {
	for _, mech := range []string{kafka.SASLPlain, kafka.SASLScramSHA256, kafka.SASLScramSHA512} {
		t.Run(mech, func(t *testing.T) {
			t.Parallel()
			b := kafkatest.NewFake(t, kfake.EnableSASL(), kfake.Superuser(mech, "admin", "admin-pw"))
			ctx := testContext(t)
			cfg := kafka.Config{Brokers: b.Addrs(), SASL: &kafka.SASL{Mechanism: mech, Username: "admin", Password: hexkit.NewSecret("admin-pw")}}
			c := open(t, cfg)
			topic := "sasl-" + strings.ToLower(mech)
			if err := c.CreateTopics(ctx, kafka.TopicSpec{Name: topic}); err != nil {
				t.Fatalf("CreateTopics over SASL: %v", err)
			}
			pub, err := kafka.NewSender(c)
			if err != nil {
				t.Fatal(err)
			}
			send(t, ctx, pub, msg(topic, "k", "t", `{}`))

			bad := cfg
			bad.SASL = &kafka.SASL{Mechanism: mech, Username: "admin", Password: hexkit.NewSecret("wrong")}
			// kfake drops the connection on a failed authentication rather
			// than answering SASL_AUTHENTICATION_FAILED as Kafka does, so
			// only the failure is checked here; the mapping is in errors_test.
			short, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if c, err := kafka.Open(short, bad); err == nil {
				_ = c.Close(ctx)
				t.Fatal("Open with a wrong password succeeded")
			}
		})
	}
}

func TestAs(t *testing.T) {
	b := kafkatest.NewFake(t)
	c := b.Open(t, "")
	var cl *kgo.Client
	if !c.As(&cl) || cl == nil {
		t.Fatal("Client.As(**kgo.Client) = false")
	}
	var adm *kadm.Client
	if !c.As(&adm) || adm == nil {
		t.Fatal("Client.As(**kadm.Client) = false")
	}
	var wrong *int
	if c.As(&wrong) {
		t.Fatal("Client.As(**int) = true")
	}
	own, err := kafka.New(cl)
	if err != nil {
		t.Fatal(err)
	}
	if err := own.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The caller's client stays open after the Client built on it closed.
	if err := cl.Ping(testContext(t)); err != nil {
		t.Fatalf("client closed by a Client that did not own it: %v", err)
	}
}
