package kafka_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// TestTLSFiles connects to an in-process broker that only speaks TLS,
// trusting its self-signed certificate through Config.TLSFiles, and fails
// without it.
func TestTLSFiles(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kfake"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	serverCfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	b := kafkatest.NewFake(t, kfake.TLS(serverCfg))
	ctx := testContext(t)

	cfg := kafka.Config{Brokers: b.Addrs(), TLSFiles: &kafka.TLSFiles{CAFile: caFile}}
	admin := open(t, cfg)
	if err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: "tls"}); err != nil {
		t.Fatalf("CreateTopics over TLS: %v", err)
	}
	pub := sender(t, cfg)
	send(t, ctx, pub, msg("tls", "k", "t", `{}`))

	// Open dials, so a client that does not trust the broker fails there.
	untrusted, err := kafka.Open(ctx, kafka.Config{Brokers: b.Addrs(), TLS: &tls.Config{MinVersion: tls.VersionTLS12}})
	if err == nil {
		_ = untrusted.Close(ctx)
		t.Fatal("a client that does not trust the broker's certificate connected")
	}
}
