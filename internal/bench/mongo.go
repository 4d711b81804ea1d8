package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/mongo"
)

// benchAddress and benchDoc are the hexkit side's documents.
type benchAddress struct {
	Street string `json:"street"`
	City   string `json:"city"`
}

type benchDoc struct {
	ID      string       `json:"id"`
	Group   int          `json:"group"`
	Name    string       `json:"name"`
	Email   string       `json:"email"`
	Score   float64      `json:"score"`
	Tags    []string     `json:"tags"`
	Created time.Time    `json:"created"`
	Address benchAddress `json:"address"`
}

// benchGroupField is the field find100 filters on.
var benchGroupField = dao.MustField[benchDoc, int]("group")

// rawDoc is the same document for the raw driver, whose id key is _id.
type rawDoc struct {
	ID      string       `json:"_id"`
	Group   int          `json:"group"`
	Name    string       `json:"name"`
	Email   string       `json:"email"`
	Score   float64      `json:"score"`
	Tags    []string     `json:"tags"`
	Created time.Time    `json:"created"`
	Address benchAddress `json:"address"`
}

const (
	benchDocs   = 1000 // preloaded documents, in groups of 100
	benchGroup  = 100
	benchOps    = 40 // operations per round for insert, get and update (short rounds, many of them: the median resists load from elsewhere)
	benchFinds  = 1  // queries per round for find100 (FerretDB scans: slow)
	benchPrefix = "hexkit-bench-"
	// benchRounds is the least number of rounds this suite runs: a shared
	// FerretDB's latency wanders by tens of percent from second to second,
	// and many short alternating rounds keep the medians comparable.
	benchRounds = 15
)

// newBenchDoc returns document number i; i < 0 makes one outside every
// group that find100 queries.
func newBenchDoc(id string, i int) benchDoc {
	group := i % (benchDocs / benchGroup)
	if i < 0 {
		group = -1
	}
	return benchDoc{
		ID: id, Group: group, Name: fmt.Sprintf("name %d", i),
		Email: fmt.Sprintf("user%d@example.org", i), Score: float64(i) / 3,
		Tags: []string{"a", "b", "c"}, Created: time.UnixMilli(1700000000000 + int64(i)).UTC(),
		Address: benchAddress{Street: "1 Main Street", City: "Berlin"},
	}
}

func toRaw(d benchDoc) rawDoc { return rawDoc(d) }

// benchMongo compares the mongo DAO with the raw driver on the server of
// HEXKIT_MONGO_URI: the same documents, the same operations, collections
// side by side in one database, one client. Find sorts by id on both sides
// (the DAO always orders its results).
func benchMongo(ctx context.Context, r *reporter) error {
	r = &reporter{out: r.out, rounds: max(r.rounds, benchRounds)}
	uri := os.Getenv("HEXKIT_MONGO_URI")
	if uri == "" {
		return errors.New("HEXKIT_MONGO_URI is not set (eval \"$(scripts/servers env)\")")
	}
	cl, err := driver.Connect(options.Client().ApplyURI(uri).SetTimeout(time.Minute).
		SetBSONOptions(&options.BSONOptions{UseJSONStructTags: true}))
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
	d, err := mongo.NewDAO[benchDoc, string](ctx, hdb, "hexkit")
	if err != nil {
		return err
	}
	raw := db.Collection("raw")
	for i := range benchDocs {
		doc := newBenchDoc(fmt.Sprintf("doc%05d", i), i)
		if err := d.Insert(ctx, doc); err != nil {
			return err
		}
		if _, err := raw.InsertOne(ctx, toRaw(doc)); err != nil {
			return err
		}
	}

	var hRound, rRound int
	insertH := func(ctx context.Context) (int, error) {
		hRound++
		for i := range benchOps {
			if err := d.Insert(ctx, newBenchDoc(fmt.Sprintf("new%d-%05d", hRound, i), -1)); err != nil {
				return 0, err
			}
		}
		return benchOps, nil
	}
	insertR := func(ctx context.Context) (int, error) {
		rRound++
		for i := range benchOps {
			if _, err := raw.InsertOne(ctx, toRaw(newBenchDoc(fmt.Sprintf("new%d-%05d", rRound, i), -1))); err != nil {
				return 0, err
			}
		}
		return benchOps, nil
	}
	if err := r.compare(ctx, "insert", insertH, insertR); err != nil {
		return err
	}

	getH := func(ctx context.Context) (int, error) {
		for i := range benchOps {
			doc, err := d.Get(ctx, fmt.Sprintf("doc%05d", i*3%benchDocs))
			if err != nil || doc.ID == "" {
				return 0, fmt.Errorf("get: %v", err)
			}
		}
		return benchOps, nil
	}
	getR := func(ctx context.Context) (int, error) {
		for i := range benchOps {
			var doc rawDoc
			if err := raw.FindOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("doc%05d", i*3%benchDocs)}}).Decode(&doc); err != nil {
				return 0, err
			}
		}
		return benchOps, nil
	}
	if err := r.compare(ctx, "get", getH, getR); err != nil {
		return err
	}

	findH := func(ctx context.Context) (int, error) {
		for i := range benchFinds {
			n := 0
			for doc, err := range d.Find(ctx, benchGroupField.Eq(i%(benchDocs/benchGroup))) {
				if err != nil {
					return 0, err
				}
				_ = doc
				n++
			}
			if n != benchGroup {
				return 0, fmt.Errorf("find returned %d documents, want %d", n, benchGroup)
			}
		}
		return benchFinds * benchGroup, nil
	}
	findR := func(ctx context.Context) (int, error) {
		for i := range benchFinds {
			cur, err := raw.Find(ctx, bson.D{{Key: "group", Value: bson.D{{Key: "$eq", Value: i % (benchDocs / benchGroup)}}}},
				options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
			if err != nil {
				return 0, err
			}
			n := 0
			for cur.Next(ctx) {
				var doc rawDoc
				if err := cur.Decode(&doc); err != nil {
					return 0, err
				}
				n++
			}
			if err := cur.Err(); err != nil {
				return 0, err
			}
			_ = cur.Close(ctx)
			if n != benchGroup {
				return 0, fmt.Errorf("find returned %d documents, want %d", n, benchGroup)
			}
		}
		return benchFinds * benchGroup, nil
	}
	// find100 counts each document read as one operation (the queries are
	// few and slow on FerretDB, whose plans scan).
	if err := r.compare(ctx, "find100", findH, findR); err != nil {
		return err
	}

	updateH := func(ctx context.Context) (int, error) {
		for i := range benchOps {
			doc := newBenchDoc(fmt.Sprintf("doc%05d", i*3%benchDocs), i*3%benchDocs)
			doc.Name = strings.ToUpper(doc.Name)
			if _, err := d.Update(ctx, doc); err != nil {
				return 0, err
			}
		}
		return benchOps, nil
	}
	updateR := func(ctx context.Context) (int, error) {
		for i := range benchOps {
			doc := toRaw(newBenchDoc(fmt.Sprintf("doc%05d", i*3%benchDocs), i*3%benchDocs))
			doc.Name = strings.ToUpper(doc.Name)
			res, err := raw.ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc)
			if err != nil {
				return 0, err
			}
			if res.MatchedCount != 1 {
				return 0, errors.New("update matched nothing")
			}
		}
		return benchOps, nil
	}
	return r.compare(ctx, "update", updateH, updateR)
}
