package mongo_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/mongo"
)

func TestConfigNeverPrintsTheURI(t *testing.T) {
	const uri = "mongodb://user:hunter2@db.internal:27017/"
	cfg := mongo.Config{URI: hexkit.NewSecret(uri), Database: "shop"}
	testenv.SecretsHidden(t, cfg, "hunter2", "db.internal")
	if cfg.URI.Reveal() != uri {
		t.Errorf("Reveal() = %q, want the URI", cfg.URI.Reveal())
	}
}

func TestOpenAndNewValidateConfig(t *testing.T) {
	for _, cfg := range []mongo.Config{
		{Database: "db"},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/")},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: "db", Timeout: -1},
		{URI: hexkit.NewSecret("http://user:hunter2@x/"), Database: "db"},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: "a.b"},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: "a b$"},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: "é"},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: strings.Repeat("d", 64)},
		{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: "_ferretdb_x"},
	} {
		c, err := mongo.Open(t.Context(), cfg)
		if err == nil {
			c.Close(t.Context())
			t.Errorf("Open(%v) succeeded, want an error", cfg)
			continue
		}
		if !errors.Is(err, mongo.ErrInvalidConfig) {
			t.Errorf("Open(%v) = %v, want ErrInvalidConfig", cfg, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open's error leaks the URI: %v", err)
		}
	}
	if _, err := mongo.New(nil); !errors.Is(err, mongo.ErrInvalidConfig) {
		t.Errorf("New(nil) = %v, want ErrInvalidConfig", err)
	}
	if _, err := mongo.NewDAO[daotest.Counter, int64](t.Context(), nil, "c"); !errors.Is(err, mongo.ErrInvalidConfig) || !errors.Is(err, dao.ErrInvalidOption) {
		t.Errorf("NewDAO on a nil DB = %v, want ErrInvalidConfig and dao.ErrInvalidOption", err)
	}
	cl, err := driver.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Disconnect(context.Background())
	for _, name := range []string{"a.b", "a b$", "x/y", strings.Repeat("d", 64), "_ferretdb_x"} {
		if _, err := mongo.New(cl.Database(name)); !errors.Is(err, mongo.ErrInvalidConfig) {
			t.Errorf("New(database %q) = %v, want ErrInvalidConfig: MongoDB or FerretDB refuses the name", name, err)
		}
	}
	for _, name := range []string{"db", "Shop_2-b", strings.Repeat("d", 63)} {
		if _, err := mongo.New(cl.Database(name)); err != nil {
			t.Errorf("New(database %q) = %v, want nil", name, err)
		}
	}
	for _, d := range []time.Duration{0, -time.Second} {
		if _, err := mongo.New(cl.Database("db"), mongo.WithTimeout(d)); !errors.Is(err, mongo.ErrInvalidConfig) {
			t.Errorf("New(db, WithTimeout(%v)) = %v, want ErrInvalidConfig", d, err)
		}
	}
}

func TestOpenAnUnreachableServer(t *testing.T) {
	start := time.Now()
	_, err := mongo.Open(t.Context(), mongo.Config{URI: hexkit.NewSecret("mongodb://127.0.0.1:1/"), Database: "db", Timeout: 300 * time.Millisecond})
	if !errors.Is(err, dao.ErrUnavailable) {
		t.Errorf("Open of an unreachable server = %v, want dao.ErrUnavailable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Open took %v, want about the 300ms timeout", d)
	}
}

// TestNewDAOOfAnUnreachableServer checks that NewDAO, which creates the
// unique indexes, fails like every other call when the server does not
// answer within the DB's timeout: with dao.ErrUnavailable, not with the
// context error of the DB's own deadline.
func TestNewDAOOfAnUnreachableServer(t *testing.T) {
	cl, err := driver.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1/"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Disconnect(context.Background())
	db, err := mongo.New(cl.Database("db"), mongo.WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = mongo.NewDAO[daotest.Counter, int64](context.Background(), db, "c", dao.WithUnique(counterN))
	if !errors.Is(err, dao.ErrUnavailable) {
		t.Errorf("NewDAO with a unique index on an unreachable server = %v, want dao.ErrUnavailable", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("NewDAO took %v, want about the 300ms timeout", d)
	}
}

var counterN = dao.MustField[daotest.Counter, int]("n")

func TestOpenAndClose(t *testing.T) {
	uri := testenv.MongoURI(t)
	ctx := t.Context()
	cl, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(uri), Database: testenv.UniqueName(t, "dao"), Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	d, err := mongo.NewDAO[daotest.Counter, int64](ctx, cl, "counters")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Insert(ctx, daotest.Counter{ID: 1, N: 1}); err != nil {
		t.Fatalf("Insert through an opened DB: %v", err)
	}
	var db *driver.Database
	var client *driver.Client
	if !cl.As(&db) || !cl.As(&client) {
		t.Fatal("As does not reach the *mongo.Database and *mongo.Client of an opened DB")
	}
	if err := cl.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err = d.Get(ctx, 1)
	if !errors.Is(err, dao.ErrUnavailable) {
		t.Errorf("Get after Close returned %v, want dao.ErrUnavailable", err)
	}
	// Drop the database through a second client.
	other, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(uri), Database: db.Name()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(context.Background())
	var odb *driver.Database
	other.As(&odb)
	if err := odb.Drop(ctx); err != nil {
		t.Errorf("dropping the test database: %v", err)
	}
}

// freezer is a TCP proxy to the real server that stops forwarding when
// frozen: the server then looks alive (connections stay open) but never
// answers, as a server stuck in a long stall does.
type freezer struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	frozen bool
	conns  []net.Conn
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{l: l, target: target}
	t.Cleanup(func() {
		l.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, c := range f.conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns = append(f.conns, c, s)
			f.mu.Unlock()
			go f.pipe(c, s)
			go f.pipe(s, c)
		}
	}()
	return f
}

func (f *freezer) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			for f.isFrozen() {
				time.Sleep(10 * time.Millisecond)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				dst.Close()
			}
			return
		}
	}
}

func (f *freezer) freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.frozen = true
}

func (f *freezer) isFrozen() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frozen
}

// TestTimeoutBoundsEveryCall checks the documented promise of
// Config.Timeout and WithTimeout: a call fails with dao.ErrUnavailable
// after at most the timeout, even when the caller's context would allow a
// minute, on the real server made to stall.
func TestTimeoutBoundsEveryCall(t *testing.T) {
	uri := testenv.MongoURI(t)
	host := strings.TrimSuffix(strings.TrimPrefix(uri, "mongodb://"), "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	const timeout = 700 * time.Millisecond
	for _, tc := range []struct {
		name string
		open func(t *testing.T, uri string) *mongo.DB
	}{
		{"Open", func(t *testing.T, uri string) *mongo.DB {
			db, err := mongo.Open(t.Context(), mongo.Config{URI: hexkit.NewSecret(uri), Database: testenv.UniqueName(t, "timeout"), Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close(context.Background()) })
			return db
		}},
		{"New", func(t *testing.T, uri string) *mongo.DB {
			cl, err := driver.Connect(options.Client().ApplyURI(uri))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cl.Disconnect(context.Background()) })
			db, err := mongo.New(cl.Database(testenv.UniqueName(t, "timeout")), mongo.WithTimeout(timeout))
			if err != nil {
				t.Fatal(err)
			}
			return db
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proxy := newFreezer(t, host)
			db := tc.open(t, "mongodb://"+proxy.l.Addr().String()+"/?directConnection=true")
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			d, err := mongo.NewDAO[daotest.Counter, int64](ctx, db, "c")
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Insert(ctx, daotest.Counter{ID: 1}); err != nil {
				t.Fatal(err)
			}
			proxy.freeze()
			calls := map[string]func() error{
				"Get":    func() error { _, err := d.Get(ctx, 1); return err },
				"Insert": func() error { return d.Insert(ctx, daotest.Counter{ID: 2}) },
				"Update": func() error { _, err := d.Update(ctx, daotest.Counter{ID: 1, N: 2}); return err },
				"Count":  func() error { _, err := d.Count(ctx, dao.All[daotest.Counter]()); return err },
				"Find":   func() error { _, err := dao.Collect(d.Find(ctx, dao.All[daotest.Counter]())); return err },
				"NewDAO": func() error {
					_, err := mongo.NewDAO[daotest.Counter, int64](ctx, db, "c", dao.WithUnique(counterN))
					return err
				},
			}
			for name, call := range calls {
				start := time.Now()
				err := call()
				took := time.Since(start)
				if !errors.Is(err, dao.ErrUnavailable) {
					t.Errorf("%s on a stalled server with a one-minute context = %v, want dao.ErrUnavailable", name, err)
				}
				if took > timeout+2*time.Second {
					t.Errorf("%s took %v, want at most the %v timeout (plus slack)", name, took, timeout)
				}
			}
		})
	}
}
