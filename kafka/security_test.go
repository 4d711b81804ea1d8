package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

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
		SASL:     &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: k.User, Password: kafka.Secret(k.Password)},
		Linger:   time.Millisecond,
	}
	if s := fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg); strings.Contains(s, k.Password) {
		t.Fatalf("printing the Config shows the password: %s", s)
	}

	adm, err := kafka.NewAdmin(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	topic := testenv.UniqueName(t, "sasl")
	if err := adm.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: 2}); err != nil {
		t.Fatalf("CreateTopics over SASL_SSL: %v", err)
	}
	defer func() { _ = adm.DeleteTopics(context.Background(), topic) }()

	pub, err := kafka.NewPublisher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pub.Close(context.Background()) }()
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

	if err := kafka.Ping(ctx, cfg); err != nil {
		t.Errorf("Ping with the right password = %v", err)
	}
	wrong := cfg
	wrong.SASL = &kafka.SASL{Mechanism: kafka.SASLScramSHA512, Username: k.User, Password: "not-the-password"}
	t0 := time.Now()
	err = kafka.Ping(ctx, wrong)
	took := time.Since(t0)
	t.Logf("wrong password detected by Ping in %v: %v", took.Round(time.Millisecond), err)
	if !errors.Is(err, kafka.ErrUnauthorized) {
		t.Errorf("Ping with a wrong password = %v, want an error wrapping kafka.ErrUnauthorized", err)
	}
	if err != nil && (strings.Contains(err.Error(), "not-the-password") || strings.Contains(err.Error(), k.Password)) {
		t.Errorf("the error shows a password: %v", err)
	}
	if took > 10*time.Second {
		t.Errorf("a wrong password took %v to detect, want a quick failure", took)
	}

	// A subscriber with the wrong password stops at once with the error.
	ws := wrong
	ws.ServiceName = sub.ServiceName
	s, err := kafka.NewSubscriber(ws, []string{topic}, newCollector())
	if err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	err = s.Run(ctx)
	t.Logf("wrong password stopped the subscriber in %v", time.Since(t0).Round(time.Millisecond))
	if !errors.Is(err, kafka.ErrUnauthorized) {
		t.Errorf("subscriber Run with a wrong password = %v, want ErrUnauthorized", err)
	}

	// A publisher with the wrong password sends nothing and says why at once.
	bad, err := kafka.NewPublisher(wrong)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = bad.Close(context.Background()) }()
	t0 = time.Now()
	err = bad.Send(ctx, msg(topic, "k", "sasl_event", `{}`))
	took = time.Since(t0)
	t.Logf("wrong password failed Send in %v", took.Round(time.Millisecond))
	if !errors.Is(err, kafka.ErrUnauthorized) {
		t.Errorf("Send with a wrong password = %v, want ErrUnauthorized", err)
	}
	if took > 10*time.Second {
		t.Errorf("Send with a wrong password took %v, want a quick failure", took)
	}
}
