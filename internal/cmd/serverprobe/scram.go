package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// envSCRAMPassword names the variable that carries the SCRAM password to
// the kafka-scram probe, so that it never appears on a command line.
const envSCRAMPassword = "HEXKIT_SCRAM_PASSWORD"

// newSCRAMProbe returns the kafka-scram probe: it creates (or updates) the
// SCRAM-SHA-512 user through the admin API on the plaintext listener, then
// succeeds once a metadata request over the SASL_SSL listener authenticates
// as that user and verifies the broker's certificate against the CA file.
//
//	HEXKIT_SCRAM_PASSWORD=... serverprobe kafka-scram PLAIN_BROKER SASL_BROKER USER CA_FILE
func newSCRAMProbe(args []string) (func(context.Context) error, error) {
	if len(args) != 5 {
		return nil, errors.New("kafka-scram needs PLAIN_BROKER SASL_BROKER USER CA_FILE")
	}
	plain, saslBroker, user, caFile := args[1], args[2], args[3], args[4]
	password := os.Getenv(envSCRAMPassword)
	if password == "" {
		return nil, fmt.Errorf("kafka-scram reads the password from %s, which is empty", envSCRAMPassword)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	created := false
	return func(ctx context.Context) error {
		if !created {
			if err := upsertSCRAM(ctx, strings.Split(plain, ","), user, password); err != nil {
				return fmt.Errorf("creating the SCRAM user: %w", err)
			}
			created = true
		}
		cl, err := kgo.NewClient(
			kgo.SeedBrokers(strings.Split(saslBroker, ",")...),
			kgo.DialTLSConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}),
			kgo.SASL(scram.Auth{User: user, Pass: password}.AsSha512Mechanism()),
		)
		if err != nil {
			return err
		}
		defer cl.Close()
		resp, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
		if err != nil {
			return err
		}
		if len(resp.Brokers) == 0 {
			return errors.New("metadata lists no broker")
		}
		return nil
	}, nil
}

func upsertSCRAM(ctx context.Context, brokers []string, user, password string) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return err
	}
	defer cl.Close()
	res, err := kadm.NewClient(cl).AlterUserSCRAMs(ctx, nil, []kadm.UpsertSCRAM{{
		User:       user,
		Mechanism:  kadm.ScramSha512,
		Iterations: 8192,
		Password:   password,
	}})
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Err != nil {
			return fmt.Errorf("user %s: %w %s", r.User, r.Err, r.ErrMessage)
		}
	}
	return nil
}
