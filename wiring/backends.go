package wiring

import (
	"context"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/objstore"
)

// Backends are a service's opened providers, as [Open] built them from
// the sections it was given; the others are nil.
type Backends struct {
	Events *Broker
	DB     *DB
	Store  objstore.Store

	storeBackend string
	closers      []func(context.Context) error
}

// Option names a section for [Open] to open.
type Option func(*openConfig)

type openConfig struct {
	events   *Events
	dao      *DAO
	objstore *ObjStore
}

// WithEvents opens the events provider of cfg (Backends.Events).
func WithEvents(cfg Events) Option { return func(o *openConfig) { o.events = &cfg } }

// WithDAO opens the dao provider of cfg (Backends.DB).
func WithDAO(cfg DAO) Option { return func(o *openConfig) { o.dao = &cfg } }

// WithObjStore opens the object store of cfg (Backends.Store).
func WithObjStore(cfg ObjStore) Option { return func(o *openConfig) { o.objstore = &cfg } }

// Open opens the providers of the sections given, in the order DAO,
// object store, events, for the service svc. On failure it closes what it
// opened and returns the error. It does not check the sections; config.Load
// does.
func Open(ctx context.Context, svc Service, opts ...Option) (*Backends, error) {
	var o openConfig
	for _, opt := range opts {
		opt(&o)
	}
	b := &Backends{}
	err := b.open(ctx, svc, o)
	if err != nil {
		return nil, errors.Join(err, b.Close(context.WithoutCancel(ctx)))
	}
	return b, nil
}

func (b *Backends) open(ctx context.Context, svc Service, o openConfig) error {
	if o.dao != nil {
		db, err := OpenDB(ctx, *o.dao)
		if err != nil {
			return err
		}
		b.DB = db
		b.closers = append(b.closers, db.Close)
	}
	if o.objstore != nil {
		s, err := OpenStore(ctx, *o.objstore)
		if err != nil {
			return err
		}
		b.Store, b.storeBackend = s, o.objstore.ObjStoreBackend
		b.closers = append(b.closers, func(context.Context) error { return s.Close() })
	}
	if o.events != nil {
		e, err := OpenEvents(ctx, svc, *o.events)
		if err != nil {
			return err
		}
		b.Events = e
		b.closers = append(b.closers, e.Close)
	}
	return nil
}

// EnsureBucket is [EnsureBucket] on b.Store, which creates the bucket on
// the memory store whatever create says: it starts empty.
func (b *Backends) EnsureBucket(ctx context.Context, bucket string, create bool) error {
	if b.Store == nil {
		return fmt.Errorf("wiring: EnsureBucket: no object store was opened")
	}
	return EnsureBucket(ctx, b.Store, bucket, create || b.storeBackend == "" || b.storeBackend == Memory)
}

// Ready returns nil when every opened provider answers, else the first
// that does not.
func (b *Backends) Ready(ctx context.Context) error {
	if b.DB != nil {
		if err := b.DB.Ready(ctx); err != nil {
			return err
		}
	}
	if b.Store != nil {
		if err := StoreReady(ctx, b.Store); err != nil {
			return err
		}
	}
	if b.Events != nil {
		return b.Events.Ready(ctx)
	}
	return nil
}

// Close closes the providers, the last opened first (events, object
// store, DAO), and joins their errors. Close it after every subscriber's
// Run returned. A second Close does nothing.
func (b *Backends) Close(ctx context.Context) error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i](ctx))
	}
	b.closers = nil
	return errors.Join(errs...)
}
