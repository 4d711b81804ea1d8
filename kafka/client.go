package kafka

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/hexkit-go/hexkit/events"
)

// Client is a connection to Apache Kafka: publishers, senders and
// subscribers are built on it ([NewPublisher], [NewSender],
// [NewSubscriber]), and it manages topics for tests and tools. Build it
// with [Open] from a [Config] or with [New] around a franz-go client.
// A Client is safe for concurrent use.
type Client struct {
	cl    *kgo.Client
	adm   *kadm.Client
	owned bool
	// own are the options the consumer clients of subscribers start from
	// (the Config's, or the wrapped client's), extra the Config's Options,
	// which come after a subscriber's group options so they win.
	own, extra []kgo.Opt
	o          clientOptions
	// optsMu serializes franz-go's validation of own and extra: options
	// shared by several clients are not safe for concurrent validation.
	optsMu sync.Mutex

	// maxBatch is the franz-go client's batch size limit per topic
	// (ProducerBatchMaxBytes), by which Send pads the records franz-go
	// would otherwise accept over it (padOversized).
	maxBatch func(topic string) int32

	// authorized is set once the brokers answered a request with the
	// client's credentials (Open's ping, or the first Send of a wrapped
	// client); until then Send checks them first.
	authorized atomic.Bool

	mu      sync.Mutex
	closed  bool
	done    chan struct{} // closed by Close
	running sync.WaitGroup
}

// Open builds a client from cfg and dials: it returns once the brokers
// answered a metadata request, so a wrong address, a TLS problem or
// refused credentials (events.ErrUnauthorized) fail here, at startup,
// rather than in the first publish. An address that does not resolve or
// refuses the connection fails at once with franz-go's dial error, with a
// "kafka: " prefix and no sentinel (errors.As reaches the *net.OpError);
// a broker that accepts connections but does not answer makes Open return
// ctx's error when ctx ends (franz-go keeps retrying). Invalid
// configuration or options fail with [ErrInvalidConfig]. The producer is
// idempotent and waits for all in-sync replicas (acks=all). Close closes
// what Open built.
func Open(ctx context.Context, cfg Config, opts ...Option) (*Client, error) {
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	own, err := cfg.ownOptions()
	if err != nil {
		return nil, err
	}
	cl, err := newClient(append(append([]kgo.Opt{}, own...), cfg.Options...))
	if err != nil {
		return nil, err
	}
	c := &Client{cl: cl, adm: kadm.NewClient(cl), owned: true, own: own, extra: cfg.Options, o: o, maxBatch: maxBatchOf(cl), done: make(chan struct{})}
	if err := c.Ping(ctx); err != nil {
		cl.Close()
		return nil, err
	}
	c.authorized.Store(true)
	return c, nil
}

// New wraps cl, a franz-go client the caller built and keeps owning: Close
// flushes cl (every record buffered in it) but does not close it. Publishing
// and topic management go through cl, which must keep franz-go's defaults of
// acks=all and idempotence for the delivery guarantees of the package
// documentation. A subscriber cannot share a client (a client belongs to at
// most one consumer group), so each subscriber's Run builds its own from cl's
// options (cl.Opts()), with the group, topics and commit discipline added; cl
// must therefore not be a consumer itself. A message whose record batch
// (events/driver.RecordSize) is over cl's ProducerBatchMaxBytes fails with
// events.ErrMessageTooLarge. New does not contact the brokers.
// A nil cl fails with [ErrInvalidConfig]. Refused credentials (a wrong
// password, or a SASL mechanism the brokers do not offer) fail the first
// publish and every subscriber's Run at once with events.ErrUnauthorized, as
// they fail Open.
func New(cl *kgo.Client, opts ...Option) (*Client, error) {
	if cl == nil {
		return nil, configErr("nil *kgo.Client")
	}
	o, err := applyOptions(opts)
	if err != nil {
		return nil, err
	}
	return &Client{cl: cl, adm: kadm.NewClient(cl), own: cl.Opts(), o: o, maxBatch: maxBatchOf(cl), done: make(chan struct{})}, nil
}

// Ping checks that the brokers answer and accept the client's TLS and
// SASL settings: it asks for the cluster's metadata. Refused credentials
// fail within a round trip with an error wrapping events.ErrUnauthorized;
// a certificate the CA does not vouch for fails with the TLS error.
func (c *Client) Ping(ctx context.Context) error {
	_, err := brokersOnly().RequestWith(ctx, c.cl)
	return mapError(err)
}

// Close stops the client: running subscribers drain and their Run returns
// events.ErrClosed; Close waits for their drains (which wait for their
// running handlers however long they take, even one that Run gave up on
// with a *events.DrainError: events.WithDrainTimeout bounds Run, not
// Close) and then until every record
// produced through the client is acknowledged or failed, and closes the
// franz-go client if Open built it. When ctx ends first, Close stops
// waiting, closes the franz-go client all the same (if Open built it: its
// records not yet acknowledged fail) and returns ctx's error; subscribers
// still draining go on until their handlers return. Later publishes fail
// with events.ErrClosed. Close is idempotent.
func (c *Client) Close(ctx context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.done)
	c.mu.Unlock()
	drained := make(chan struct{})
	go func() {
		c.running.Wait()
		close(drained)
	}()
	var err error
	select {
	case <-drained:
		err = c.cl.Flush(ctx)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if c.owned {
		c.cl.Close()
	}
	return mapError(err)
}

// maxBatchOf returns cl's batch size limit per topic, franz-go's
// ProducerBatchMaxBytes (or ProducerBatchMaxBytesFn).
func maxBatchOf(cl *kgo.Client) func(string) int32 {
	if fn, ok := cl.OptValue(kgo.ProducerBatchMaxBytesFn).(func(string) int32); ok && fn != nil {
		return fn
	}
	limit := cl.OptValue(kgo.ProducerBatchMaxBytes).(int32)
	return func(string) int32 { return limit }
}

// isClosed reports whether Close was called.
func (c *Client) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// As reaches the franz-go clients behind the Client: target must be a
// **kgo.Client or a **kadm.Client. See the package documentation's # As
// section.
func (c *Client) As(target any) bool {
	switch t := target.(type) {
	case **kgo.Client:
		*t = c.cl
	case **kadm.Client:
		*t = c.adm
	default:
		return false
	}
	return true
}

// brokersOnly is a metadata request for the brokers and no topic (an empty,
// not nil, topic list): as cheap on a cluster of thousands of topics as on
// an empty one, and as good a check of address, TLS and credentials.
func brokersOnly() *kmsg.MetadataRequest {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{}
	return req
}

// refusedCredentials asks the brokers for metadata once, within a few
// seconds, and returns the error only when they refuse the credentials
// (events.ErrUnauthorized): that a retry cannot fix, unlike a broker that
// is down or slow, which the caller rides through.
//
// franz-go retries a produce whose connection fails authentication until
// the caller's deadline, so a publish would otherwise only time out.
func refusedCredentials(ctx context.Context, cl *kgo.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := brokersOnly().RequestWith(ctx, cl)
	if err = mapError(err); errors.Is(err, events.ErrUnauthorized) {
		return err
	}
	return nil
}
