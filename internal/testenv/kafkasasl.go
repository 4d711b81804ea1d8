package testenv

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Environment variables of the Kafka broker's SASL_SSL listener
// (SCRAM-SHA-512 over TLS). scripts/servers env prints them once `up` has
// generated the listener's certificates and credentials.
const (
	EnvKafkaSASLBrokers  = "HEXKIT_KAFKA_SASL_BROKERS"
	EnvKafkaSASLUser     = "HEXKIT_KAFKA_SASL_USER"
	EnvKafkaSASLPassword = "HEXKIT_KAFKA_SASL_PASSWORD"
	EnvKafkaCAFile       = "HEXKIT_KAFKA_CA_FILE"
)

// KafkaSASL describes the broker's SASL_SSL listener.
type KafkaSASL struct {
	Brokers  []string // host:port of the SASL_SSL listener
	User     string   // SCRAM-SHA-512 user
	Password string   // its password; never log it
	CAFile   string   // PEM file of the CA that signed the broker's certificate
}

// String describes the listener without its password.
func (k KafkaSASL) String() string {
	return fmt.Sprintf("SASL_SSL %s as %s (CA %s)", strings.Join(k.Brokers, ","), k.User, k.CAFile)
}

// TLSConfig returns a client TLS configuration that trusts the CA in
// CAFile.
func (k KafkaSASL) TLSConfig() (*tls.Config, error) {
	pem, err := os.ReadFile(k.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("testenv: %s holds no PEM certificate", k.CAFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// KafkaSASLListener returns the broker's SASL_SSL listener from
// HEXKIT_KAFKA_SASL_BROKERS, HEXKIT_KAFKA_SASL_USER,
// HEXKIT_KAFKA_SASL_PASSWORD and HEXKIT_KAFKA_CA_FILE. Like [Lookup] it
// skips tb when they are unset, or fails it under HEXKIT_REQUIRE_SERVERS=1.
func KafkaSASLListener(tb testing.TB) KafkaSASL {
	tb.Helper()
	k := KafkaSASL{
		Brokers:  splitList(Lookup(tb, EnvKafkaSASLBrokers, "Kafka SASL_SSL listener")),
		User:     Lookup(tb, EnvKafkaSASLUser, "Kafka SASL_SSL listener"),
		Password: Lookup(tb, EnvKafkaSASLPassword, "Kafka SASL_SSL listener"),
		CAFile:   Lookup(tb, EnvKafkaCAFile, "Kafka SASL_SSL listener"),
	}
	return k
}

// LookupKafkaSASL returns the SASL_SSL listener from the environment and
// whether all four variables are set, without skipping or failing.
func LookupKafkaSASL() (KafkaSASL, bool) {
	k := KafkaSASL{
		Brokers:  splitList(os.Getenv(EnvKafkaSASLBrokers)),
		User:     strings.TrimSpace(os.Getenv(EnvKafkaSASLUser)),
		Password: strings.TrimSpace(os.Getenv(EnvKafkaSASLPassword)),
		CAFile:   strings.TrimSpace(os.Getenv(EnvKafkaCAFile)),
	}
	return k, len(k.Brokers) > 0 && k.User != "" && k.Password != "" && k.CAFile != ""
}

func splitList(s string) []string {
	var out []string
	for b := range strings.SplitSeq(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	return out
}
