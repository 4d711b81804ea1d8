package testenv

import (
	"strings"
	"testing"
)

func TestLookupKafkaSASL(t *testing.T) {
	t.Setenv(EnvKafkaSASLBrokers, " 127.0.0.1:1, 127.0.0.1:2 ")
	t.Setenv(EnvKafkaSASLUser, "u")
	t.Setenv(EnvKafkaSASLPassword, "secret-value")
	t.Setenv(EnvKafkaCAFile, "/nonexistent/ca.pem")
	k, ok := LookupKafkaSASL()
	if !ok {
		t.Fatal("LookupKafkaSASL reported unset variables")
	}
	if got, want := len(k.Brokers), 2; got != want {
		t.Fatalf("got %d brokers %q, want %d", got, k.Brokers, want)
	}
	if s := k.String(); strings.Contains(s, "secret-value") {
		t.Errorf("String() = %q shows the password", s)
	}
	if _, err := k.TLSConfig(); err == nil {
		t.Error("TLSConfig with a missing CA file returned no error")
	}
	t.Setenv(EnvKafkaSASLPassword, "")
	if _, ok := LookupKafkaSASL(); ok {
		t.Error("LookupKafkaSASL reported ok with an empty password")
	}
}
