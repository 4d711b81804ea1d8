package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/kv"
	"github.com/hexkit-go/hexkit/mongo"
	"github.com/hexkit-go/hexkit/redis"
)

// Operations per round of each kv case: enough for a round to last about
// a second on each server, so that scheduling noise does not decide the
// ratio.
const (
	kvOpsRedis = 20000
	kvOpsMongo = 1000
)

// kvValue is the value every kv case writes: a short session token.
var kvValue = "session-token-0123456789abcdef0123456789abcdef"

// benchKV compares the kv stores with their raw clients on the same
// servers: Redis (HEXKIT_REDIS_ADDR, HEXKIT_REDIS_PASSWORD) against
// go-redis, MongoDB (HEXKIT_MONGO_URI) against mongo-driver. Both sides
// write and read the same keys in their own namespace; CAS is a read and a
// conditional write on both sides (WATCH/GET/MULTI/SET/EXEC for raw Redis,
// a replace filtered on a version field for raw MongoDB).
func benchKV(ctx context.Context, r *reporter) error {
	addr, pw, uri := os.Getenv("HEXKIT_REDIS_ADDR"), os.Getenv("HEXKIT_REDIS_PASSWORD"), os.Getenv("HEXKIT_MONGO_URI")
	if addr == "" || uri == "" {
		return errors.New("HEXKIT_REDIS_ADDR and HEXKIT_MONGO_URI must be set (eval \"$(scripts/servers env)\")")
	}
	prefix := fmt.Sprintf("%s%d:", benchPrefix, time.Now().UnixNano())

	raw := goredis.NewClient(&goredis.Options{Addr: addr, Password: pw})
	defer raw.Close()
	hc, err := redis.Open(ctx, redis.Config{Addr: addr, Password: hexkit.NewSecret(pw)})
	if err != nil {
		return err
	}
	defer hc.Close()
	st, err := redis.NewKV[string](hc, prefix+"h:")
	if err != nil {
		return err
	}
	defer func() {
		for _, p := range []string{prefix + "h:*", prefix + "r:*"} {
			keys, _ := raw.Keys(context.Background(), p).Result()
			if len(keys) > 0 {
				raw.Del(context.Background(), keys...)
			}
		}
	}()
	if err := kvCases(ctx, r, "redis", kvOpsRedis, st,
		func(ctx context.Context, k string) error { return raw.Set(ctx, prefix+"r:"+k, kvValue, 0).Err() },
		func(ctx context.Context, k string) error { return raw.Get(ctx, prefix+"r:"+k).Err() },
		func(ctx context.Context, k string) error {
			name := prefix + "r:" + k
			return raw.Watch(ctx, func(tx *goredis.Tx) error {
				if err := tx.Get(ctx, name).Err(); err != nil {
					return err
				}
				_, err := tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
					p.Set(ctx, name, kvValue, 0)
					return nil
				})
				return err
			}, name)
		}); err != nil {
		return err
	}

	cl, err := driver.Connect(options.Client().ApplyURI(uri).SetTimeout(time.Minute))
	if err != nil {
		return err
	}
	defer func() { _ = cl.Disconnect(context.Background()) }()
	db := cl.Database(fmt.Sprintf("%s%d", benchPrefix, time.Now().UnixNano()))
	defer func() { _ = db.Drop(context.Background()) }()
	hdb, err := mongo.New(db)
	if err != nil {
		return err
	}
	mst, err := mongo.NewKV[string](ctx, hdb, "hexkit")
	if err != nil {
		return err
	}
	defer mst.Close()
	coll := db.Collection("raw")
	var version int64
	return kvCases(ctx, r, "mongo", kvOpsMongo, mst,
		func(ctx context.Context, k string) error {
			version++
			_, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: k}},
				bson.D{{Key: "_id", Value: k}, {Key: "value", Value: kvValue}, {Key: "version", Value: version}},
				options.Replace().SetUpsert(true))
			return err
		},
		func(ctx context.Context, k string) error {
			var doc struct {
				Value   string `bson:"value"`
				Version int64  `bson:"version"`
			}
			return coll.FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Decode(&doc)
		},
		func(ctx context.Context, k string) error {
			var doc struct {
				Version int64 `bson:"version"`
			}
			if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: k}}).Decode(&doc); err != nil {
				return err
			}
			version++
			res, err := coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: k}, {Key: "version", Value: doc.Version}},
				bson.D{{Key: "_id", Value: k}, {Key: "value", Value: kvValue}, {Key: "version", Value: version}})
			if err == nil && res.MatchedCount == 0 {
				err = errors.New("raw CAS conflict")
			}
			return err
		})
}

// kvCases runs set, get and cas on a store and on a raw client.
func kvCases(ctx context.Context, r *reporter, name string, ops int, st kv.Store[string], rawSet, rawGet, rawCAS func(context.Context, string) error) error {
	key := func(i int) string { return fmt.Sprintf("key%04d", i) }
	loop := func(fn func(context.Context, string) error) side {
		return func(ctx context.Context) (int, error) {
			for i := range ops {
				if err := fn(ctx, key(i)); err != nil {
					return 0, err
				}
			}
			return ops, nil
		}
	}
	set := loop(func(ctx context.Context, k string) error { _, err := st.Set(ctx, k, kvValue); return err })
	get := loop(func(ctx context.Context, k string) error { _, err := st.Get(ctx, k); return err })
	cas := loop(func(ctx context.Context, k string) error {
		e, err := st.GetEntry(ctx, k)
		if err != nil {
			return err
		}
		_, err = st.Set(ctx, k, kvValue, kv.IfVersion(e.Version))
		return err
	})
	for _, c := range []struct {
		name   string
		hexkit side
		raw    side
	}{{"set", set, loop(rawSet)}, {"get", get, loop(rawGet)}, {"cas", cas, loop(rawCAS)}} {
		if err := r.compare(ctx, name+" "+c.name, c.hexkit, c.raw); err != nil {
			return err
		}
	}
	return nil
}
