package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/examples/fileregistry/translators"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/objstore"
	"github.com/hexkit-go/hexkit/objstore/memobjstore"
	"github.com/hexkit-go/hexkit/s3"
)

// Backend is what the service gets from its providers: one implementation
// of each protocol.
type Backend struct {
	Records dao.DAO[translators.FileRecord, string]
	Store   objstore.Store
	Sender  events.Sender
	// Subscribe returns the Run function of a subscriber of group to the
	// router's topics (the demo uses it to listen like another service).
	Subscribe func(group string, r *events.Router) (run func(ctx context.Context) error, err error)
	closers   []func(ctx context.Context) error
}

// Close releases the providers, the last opened first.
func (b *Backend) Close(ctx context.Context) error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i](ctx))
	}
	b.closers = nil
	return errors.Join(errs...)
}

// OpenBackend opens the providers cfg.Backend names. On failure it closes
// what it opened.
func OpenBackend(ctx context.Context, cfg Config, logger *slog.Logger) (*Backend, error) {
	b := &Backend{}
	var err error
	switch cfg.Backend {
	case BackendMemory:
		err = b.openMemory(ctx, cfg, logger)
	case BackendServers:
		err = b.openServers(ctx, cfg, logger)
	default:
		err = fmt.Errorf("%w: unknown backend %q", ErrConfig, cfg.Backend)
	}
	if err != nil {
		return nil, errors.Join(err, b.Close(context.WithoutCancel(ctx)))
	}
	return b, nil
}

// openMemory opens the in-memory providers. The object store's presigned
// URLs must reach it over HTTP, as they would reach S3, so it is served on
// a free loopback port for as long as the backend is open.
func (b *Backend) openMemory(ctx context.Context, cfg Config, logger *slog.Logger) error {
	records, err := memdao.New[translators.FileRecord, string](translators.RecordOptions()...)
	if err != nil {
		return err
	}
	b.Records = records

	if b.Store, err = memobjstore.New(); err != nil {
		return err
	}
	b.closers = append(b.closers, func(context.Context) error { return b.Store.Close() })
	logger.InfoContext(ctx, "in-memory object store serving presigned URLs on a loopback port")
	if err := b.Store.CreateBucket(ctx, cfg.Bucket); err != nil {
		return err
	}

	broker, err := memevents.New(memevents.WithLogger(logger))
	if err != nil {
		return err
	}
	b.closers = append(b.closers, func(context.Context) error { return broker.Close() })
	b.Sender = broker
	b.Subscribe = func(group string, r *events.Router) (func(context.Context) error, error) {
		sub, err := broker.NewSubscriber(group, r)
		if err != nil {
			return nil, err
		}
		return sub.Run, nil
	}
	return nil
}

// openServers connects to MongoDB, S3 and Kafka and checks that the bucket
// and the topic exist; with cfg.Setup it creates them when missing.
func (b *Backend) openServers(ctx context.Context, cfg Config, logger *slog.Logger) error {
	client, err := mongo.Connect(mongo.Config{URI: mongo.Secret(cfg.MongoURI.Reveal()), Database: cfg.MongoDatabase})
	if err != nil {
		return err
	}
	b.closers = append(b.closers, client.Close)
	if b.Records, err = mongo.NewDAO[translators.FileRecord, string](ctx, client.Database(), cfg.Collection, translators.RecordOptions()...); err != nil {
		return err
	}

	if b.Store, err = s3.Open(ctx, cfg.S3); err != nil {
		return err
	}
	b.closers = append(b.closers, func(context.Context) error { return b.Store.Close() })
	kcfg := kafka.Config{Brokers: cfg.Brokers, ServiceName: cfg.ServiceName, InstanceID: cfg.InstanceID}
	if err := ensureBucket(ctx, b.Store, cfg.Bucket, cfg.Setup); err != nil {
		return err
	}
	if err := ensureTopic(ctx, kcfg, cfg.Topic, cfg.Setup); err != nil {
		return err
	}

	pub, err := kafka.NewPublisher(kcfg)
	if err != nil {
		return err
	}
	b.closers = append(b.closers, pub.Close)
	b.Sender = pub
	b.Subscribe = func(group string, r *events.Router) (func(context.Context) error, error) {
		c := kcfg
		c.ServiceName = group
		sub, err := kafka.NewSubscriber(c, r.Topics(), r, kafka.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		return sub.Run, nil
	}
	return nil
}

// ensureBucket checks that the bucket exists, or creates it when create is
// set: presigned URLs of a missing bucket would fail only in the client's
// hands.
func ensureBucket(ctx context.Context, store objstore.Store, bucket string, create bool) error {
	ok, err := store.BucketExists(ctx, bucket)
	switch {
	case err != nil:
		return fmt.Errorf("fileregistry: checking bucket %s: %w", bucket, err)
	case ok:
		return nil
	case !create:
		return fmt.Errorf("fileregistry: bucket %s does not exist (create it, or run with -setup)", bucket)
	}
	if err := store.CreateBucket(ctx, bucket); err != nil && !errors.Is(err, objstore.ErrBucketExists) {
		return fmt.Errorf("fileregistry: creating bucket %s: %w", bucket, err)
	}
	return nil
}

// ensureTopic checks that the topic exists, or creates it when create is
// set.
func ensureTopic(ctx context.Context, kcfg kafka.Config, topic string, create bool) error {
	admin, err := kafka.NewAdmin(kcfg)
	if err != nil {
		return err
	}
	defer admin.Close()
	ok, err := admin.TopicExists(ctx, topic)
	switch {
	case err != nil:
		return fmt.Errorf("fileregistry: checking topic %s: %w", topic, err)
	case ok:
		return nil
	case !create:
		return fmt.Errorf("fileregistry: topic %s does not exist (create it, or run with -setup)", topic)
	}
	if err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: topic, Partitions: 3}); err != nil {
		return fmt.Errorf("fileregistry: creating topic %s: %w", topic, err)
	}
	return nil
}
