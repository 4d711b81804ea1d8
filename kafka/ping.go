package kafka

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Ping checks that the brokers of cfg answer and accept its TLS and SASL
// settings: it connects, authenticates and asks for the cluster's
// metadata. A wrong password fails within a round trip with an error
// wrapping [ErrUnauthorized]; a certificate the CA does not vouch for fails
// with the TLS error. Services call it at startup to fail fast: a
// [Publisher]'s Send, by contrast, treats a failing connection as
// transient and keeps retrying until its context ends, and a [Subscriber]
// keeps trying to join its group.
func Ping(ctx context.Context, cfg Config) error {
	opts, err := cfg.clientOptions()
	if err != nil {
		return err
	}
	cl, err := newClient(opts)
	if err != nil {
		return err
	}
	defer cl.Close()
	_, err = kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
	return mapError(err)
}

// refusedCredentials asks the brokers for metadata once, within a few
// seconds, and returns the error only when they refuse the credentials
// (ErrUnauthorized): that a retry cannot fix, unlike a broker that is down
// or slow, which the caller rides through as before.
func refusedCredentials(ctx context.Context, cl *kgo.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := kmsg.NewPtrMetadataRequest().RequestWith(ctx, cl)
	if err = mapError(err); errors.Is(err, ErrUnauthorized) {
		return err
	}
	return nil
}
