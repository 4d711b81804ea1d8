package kafka_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
)

// testSASLSSL publishes and consumes through the broker's SASL_SSL
// listener (SCRAM-SHA-512 over TLS, certificates from scripts/servers): the
// shared broker's when the environment names it, the private one's
// otherwise. A wrong password must fail quickly with ErrUnauthorized and
// never show the password.
func testSASLSSL(t *testing.T, p *ownKafka) {
	k, ok := testenv.LookupKafkaSASL()
	if !ok {
		k = p.saslListener(t)
	}
	t.Logf("using %s", k) // String() leaves the password out
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cfg := kafka.Config{
		Brokers:  k.Brokers,
		TLSFiles: &kafka.TLSFiles{CAFile: k.CAFile},
		SASL:     &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: k.User, Password: hexkit.NewSecret(k.Password)},
		Linger:   time.Millisecond,
	}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, k.Password) {
		t.Fatalf("printing the Config shows the password: %s", s)
	}

	adm := open(t, cfg)
	topic := testenv.UniqueName(t, "sasl")
	if err := adm.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: 2}); err != nil {
		t.Fatalf("CreateTopics over SASL_SSL: %v", err)
	}
	defer func() { _ = adm.DeleteTopics(context.Background(), topic) }()

	pub := sender(t, cfg)
	const n = 50
	var msgs []*events.Message
	for i := range n {
		msgs = append(msgs, msg(topic, fmt.Sprintf("k%d", i), "sasl_event", fmt.Sprintf(`{"i":%d}`, i)))
	}
	if err := pub.Send(ctx, msgs...); err != nil {
		t.Fatalf("Send over SASL_SSL: %v", err)
	}
	sub := cfg
	sub.ServiceName = testenv.UniqueName(t, "sasl-svc")
	got := newCollector()
	stop := runSubscriber(t, sub, []string{topic}, got)
	got.waitN(t, ctx, n)
	stop()

	if err := adm.Ping(ctx); err != nil {
		t.Errorf("Ping with the right password = %v", err)
	}
	// Open dials: a client with the wrong password (and so every publisher
	// and subscriber it would build) fails at once with the error.
	wrong := cfg
	wrong.SASL = &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: k.User, Password: hexkit.NewSecret("not-the-password")}
	t0 := time.Now()
	c, err := kafka.Open(ctx, wrong)
	took := time.Since(t0)
	t.Logf("wrong password detected by Open in %v: %v", took.Round(time.Millisecond), err)
	if err == nil {
		_ = c.Close(ctx)
	}
	if !errors.Is(err, events.ErrUnauthorized) {
		t.Errorf("Open with a wrong password = %v, want an error wrapping events.ErrUnauthorized", err)
	}
	if err != nil && (strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), k.Password)) {
		t.Errorf("the error shows a password: %v", err)
	}
	if took > 10*time.Second {
		t.Errorf("a wrong password took %v to detect, want a quick failure", took)
	}

	// A mechanism the listener does not offer (it offers SCRAM-SHA-512
	// only) is refused as fast and as clearly as a wrong password.
	for _, mech := range []string{kafka.SASLScramSHA256, kafka.SASLPlain} {
		wrong := cfg
		wrong.SASL = &kafka.SASL{Mechanism: mech, Username: k.User, Password: hexkit.NewSecret(k.Password)}
		t0 := time.Now()
		c, err := kafka.Open(ctx, wrong)
		took := time.Since(t0)
		t.Logf("mechanism %s refused by Open in %v: %v", mech, took.Round(time.Millisecond), err)
		if err == nil {
			_ = c.Close(ctx)
		}
		if !errors.Is(err, events.ErrUnauthorized) {
			t.Errorf("Open with mechanism %s on a SCRAM-SHA-512 listener = %v, want an error wrapping events.ErrUnauthorized", mech, err)
		}
		if took > time.Second {
			t.Errorf("Open with mechanism %s took %v to fail, want under 1s", mech, took)
		}
	}
	// The same, and a wrong password, through a client that was not dialed
	// (New): the first publish and a subscriber's Run fail at once too.
	for _, m := range []sasl.Mechanism{scram.Auth{User: k.User, Pass: k.Password}.AsSha256Mechanism(),
		plain.Auth{User: k.User, Pass: k.Password}.AsMechanism(),
		scram.Auth{User: k.User, Pass: "not-the-password"}.AsSha512Mechanism()} {
		wc := wrapTLS(t, k, m)
		snd, err := kafka.NewSender(wc)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		err = snd.Send(ctx, msg(topic, "k", "sasl_event", `{"i":0}`))
		t.Logf("mechanism %s refused by Send in %v: %v", m.Name(), time.Since(t0).Round(time.Millisecond), err)
		if !errors.Is(err, events.ErrUnauthorized) || time.Since(t0) > time.Second {
			t.Errorf("Send through a wrapped client with mechanism %s = %v after %v, want ErrUnauthorized within 1s", m.Name(), err, time.Since(t0))
		}
		s, err := kafka.NewSubscriber(wc, sub.ServiceName, newCollector(), events.WithTopics(topic))
		if err != nil {
			t.Fatal(err)
		}
		t0 = time.Now()
		if err := s.Run(ctx); !errors.Is(err, events.ErrUnauthorized) || time.Since(t0) > time.Second {
			t.Errorf("subscriber Run through a wrapped client with mechanism %s = %v after %v, want ErrUnauthorized within 1s", m.Name(), err, time.Since(t0))
		}
	}

	// A subscriber on a wrapped client with the wrong password (New does
	// not dial) stops at once with the error.
	wc := wrapTLS(t, k, scram.Auth{User: k.User, Pass: "not-the-password"}.AsSha512Mechanism())
	s, err := kafka.NewSubscriber(wc, sub.ServiceName, newCollector(), events.WithTopics(topic))
	if err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	err = s.Run(ctx)
	t.Logf("wrong password stopped the subscriber in %v", time.Since(t0).Round(time.Millisecond))
	if !errors.Is(err, events.ErrUnauthorized) {
		t.Errorf("subscriber Run with a wrong password = %v, want ErrUnauthorized", err)
	}
	if err := wc.Ping(ctx); !errors.Is(err, events.ErrUnauthorized) {
		t.Errorf("Ping of a wrapped client with a wrong password = %v, want ErrUnauthorized", err)
	}
}

// wrapTLS wraps a franz-go client of the SASL_SSL listener k that
// authenticates with m; it is closed at the end of the test.
func wrapTLS(t *testing.T, k testenv.KafkaSASL, m sasl.Mechanism) *kafka.Client {
	t.Helper()
	pem, err := os.ReadFile(k.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.Brokers...),
		kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}), kgo.SASL(m))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	wc, err := kafka.New(cl)
	if err != nil {
		t.Fatal(err)
	}
	return wc
}
