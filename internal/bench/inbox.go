package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/inbox"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/kv/memkv"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/redis"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
)

// Events per round of each inbox case: in memory many, on MongoDB (two
// store writes per event) enough for a round of about a second.
const (
	inboxOpsMemory = 20000
	inboxOpsMongo  = 300
	inboxOpsRedis  = 5000
)

// inboxEvent is the event the inbox cases handle.
type inboxEvent struct {
	N int `json:"n"`
}

func (inboxEvent) EventType() string { return "bench_inbox" }

// inboxCounter is the document the applier cases update.
type inboxCounter struct {
	ID      string   `json:"id"`
	N       int      `json:"n"`
	Version int64    `json:"version"`
	Applied []string `json:"applied_events,omitempty"`
}

// benchInbox measures what the inbox adds to handling an event: the same
// router and handler with the inbox middleware ("hexkit") and without it
// ("raw"), each event new (so none is skipped), over memkv, the Redis
// key-value store (HEXKIT_REDIS_ADDR, when set) and the MongoDB key-value
// store (HEXKIT_MONGO_URI); and the Applier against the
// read-modify-write it replaces (a Get and a versioned Update without the
// record), over memdao and MongoDB.
func benchInbox(ctx context.Context, r *reporter) error {
	uri := os.Getenv("HEXKIT_MONGO_URI")
	if uri == "" {
		return errors.New("HEXKIT_MONGO_URI must be set (eval \"$(scripts/servers env)\")")
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	mdb, err := memkv.New()
	if err != nil {
		return err
	}
	mst, err := memkv.NewStore[string](mdb, "inbox")
	if err != nil {
		return err
	}
	if err := inboxCase(ctx, r, "inbox memkv", inboxOpsMemory, mst, quiet); err != nil {
		return err
	}
	mem, err := memdao.New[inboxCounter, string](dao.WithVersionField(dao.MustField[inboxCounter, int64]("version")))
	if err != nil {
		return err
	}
	if err := applierCase(ctx, r, "inbox applier memdao", inboxOpsMemory, mem); err != nil {
		return err
	}

	if addr := os.Getenv("HEXKIT_REDIS_ADDR"); addr != "" {
		rc, err := redis.Open(ctx, redis.Config{Addr: addr, Password: hexkit.NewSecret(os.Getenv("HEXKIT_REDIS_PASSWORD"))})
		if err != nil {
			return err
		}
		rst, err := redis.NewKV[string](rc, fmt.Sprintf("%s%d:", benchPrefix, time.Now().UnixNano()))
		if err != nil {
			return err
		}
		err = inboxCase(ctx, r, "inbox redis", inboxOpsRedis, rst, quiet)
		_ = rst.Close()
		_ = rc.Close()
		if err != nil {
			return err
		}
	}

	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(uri), Database: fmt.Sprintf("%s%d", benchPrefix, time.Now().UnixNano()), Timeout: time.Minute})
	if err != nil {
		return err
	}
	defer func() {
		var raw *driver.Database
		if db.As(&raw) {
			_ = raw.Drop(context.Background())
		}
		_ = db.Close(context.Background())
	}()
	kst, err := mongo.NewKV[string](ctx, db, "inbox")
	if err != nil {
		return err
	}
	defer kst.Close()
	if err := inboxCase(ctx, r, "inbox mongo", inboxOpsMongo, kst, quiet); err != nil {
		return err
	}
	md, err := mongo.NewDAO[inboxCounter, string](ctx, db, "counters", dao.WithVersionField(dao.MustField[inboxCounter, int64]("version")))
	if err != nil {
		return err
	}
	return applierCase(ctx, r, "inbox applier mongo", inboxOpsMongo, md)
}

// inboxCase compares a router with the inbox over st and one without.
func inboxCase(ctx context.Context, r *reporter, name string, ops int, st kv.Store[string], logger *slog.Logger) error {
	in, err := inbox.New(st, "bench", inbox.WithLogger(logger))
	if err != nil {
		return err
	}
	var sum atomic.Int64
	router := func(opts ...events.RouterOption) *events.Router {
		rt := events.NewRouter(append(opts, events.WithLogger(logger))...)
		events.Handle(rt, "bench", func(ctx context.Context, d events.Delivery[inboxEvent]) error {
			sum.Add(int64(d.Event.N))
			return nil
		})
		return rt
	}
	with, without := router(events.WithMiddleware(in.Middleware())), router()
	loop := func(h events.MessageHandler) side {
		return func(ctx context.Context) (int, error) {
			corr := events.NewEventID()
			for range ops {
				m := &events.Message{Topic: "bench", Key: "k", Type: "bench_inbox", EventID: events.NewEventID(),
					CorrelationID: corr, Payload: []byte(`{"n":1}`)}
				if err := h.HandleMessage(ctx, m); err != nil {
					return 0, err
				}
			}
			return ops, nil
		}
	}
	return r.compare(ctx, name, loop(with), loop(without))
}

// applierCase compares Applier.Apply with a plain read-modify-write of
// the same documents.
func applierCase(ctx context.Context, r *reporter, name string, ops int, d dao.DAO[inboxCounter, string]) error {
	ap, err := inbox.NewApplier(d, func(c *inboxCounter) *string { return &c.ID },
		func(c *inboxCounter) *[]string { return &c.Applied })
	if err != nil {
		return err
	}
	const docs = 100
	for i := range docs {
		for _, prefix := range []string{"a", "r"} {
			if err := d.Insert(ctx, inboxCounter{ID: fmt.Sprint(prefix, i)}); err != nil && !errors.Is(err, dao.ErrAlreadyExists) {
				return err
			}
		}
	}
	apply := func(ctx context.Context) (int, error) {
		for i := range ops {
			if _, err := ap.Apply(ctx, events.NewEventID(), fmt.Sprint("a", i%docs), func(c *inboxCounter, _ bool) error {
				c.N++
				return nil
			}); err != nil {
				return 0, err
			}
		}
		return ops, nil
	}
	plain := func(ctx context.Context) (int, error) {
		for i := range ops {
			c, err := d.Get(ctx, fmt.Sprint("r", i%docs))
			if err != nil {
				return 0, err
			}
			c.N++
			if _, err := d.Update(ctx, c); err != nil {
				return 0, err
			}
		}
		return ops, nil
	}
	return r.compare(ctx, name, apply, plain)
}
