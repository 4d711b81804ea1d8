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

	// A subscriber on a wrapped client with the wrong password (New does
	// not dial) stops at once with the error.
	pem, err := os.ReadFile(k.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.Brokers...),
		kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
		kgo.SASL(scram.Auth{User: k.User, Pass: "not-the-password"}.AsSha512Mechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	wc, err := kafka.New(cl)
	if err != nil {
		t.Fatal(err)
	}
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
