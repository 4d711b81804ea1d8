package kafka

import (
	"context"

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
