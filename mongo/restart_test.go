package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/mongo"
)

// privateFerretDB runs its own FerretDB through scripts/servers, in a
// temporary run directory on free ports, so that stopping it does not
// disturb the shared server other tests use. It returns the URI and
// functions to stop and start it; the server is stopped at cleanup.
type privateFerretDB struct {
	t    *testing.T
	root string
	env  []string
	uri  string
}

func startPrivateFerretDB(t *testing.T) *privateFerretDB {
	t.Helper()
	root := repoRoot(t)
	run := t.TempDir()
	port, debug := freePort(t), freePort(t)
	p := &privateFerretDB{
		t: t, root: root,
		env: append(os.Environ(), "HEXKIT_RUN="+run, "HEXKIT_MONGO_PORT="+strconv.Itoa(port),
			"HEXKIT_MONGO_DEBUG_PORT="+strconv.Itoa(debug)),
		uri: fmt.Sprintf("mongodb://127.0.0.1:%d/", port),
	}
	t.Cleanup(func() { p.servers("down") }) // runs before t.TempDir's removal
	p.servers("up")
	return p
}

func (p *privateFerretDB) servers(cmd string) {
	p.t.Helper()
	c := exec.Command(filepath.Join(p.root, "scripts", "servers"), cmd, "mongo")
	c.Env = p.env
	c.Dir = p.root
	if out, err := c.CombinedOutput(); err != nil {
		p.t.Fatalf("scripts/servers %s mongo: %v\n%s", cmd, err, out)
	}
}

func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type event struct {
	id  int64
	err error
	dur time.Duration
}

// TestRestart stops and restarts FerretDB while a workload of inserts and
// reads runs through one DAO value. Calls during the outage must fail with
// dao.ErrUnavailable within the configured timeout; after the restart the
// same DAO must work again; every insert reported as done must be stored.
func TestRestart(t *testing.T) {
	testenv.MongoURI(t) // runs where the real-server tests run (and in CI)
	srv := startPrivateFerretDB(t)
	const timeout = 2 * time.Second
	cl, err := mongo.Open(t.Context(), mongo.Config{URI: hexkit.NewSecret(srv.uri), Database: "restart", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close(context.Background()) })
	// A bound for the whole test, so that a server that never comes back
	// fails it instead of hanging until the go test timeout.
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	d, err := mongo.NewDAO[doc, int64](ctx, cl, "docs")
	if err != nil {
		t.Fatal(err)
	}

	// The workload reports every call; the test decides from the reports
	// when to stop and start the server, so nothing waits on a clock.
	events := make(chan event)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(events)
		var lastOK int64 = -1
		for i := int64(0); ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if ctx.Err() != nil {
				return
			}
			start := time.Now()
			err := d.Insert(ctx, doc{ID: i, Body: fmt.Sprintf("doc %d", i)})
			if err == nil {
				lastOK = i
			}
			events <- event{id: i, err: err, dur: time.Since(start)}
			if lastOK >= 0 && i%4 == 0 {
				start = time.Now()
				got, err := d.Get(ctx, lastOK)
				if err == nil && got.ID != lastOK {
					err = fmt.Errorf("Get(%d) returned document %d", lastOK, got.ID)
				}
				events <- event{id: -1, err: err, dur: time.Since(start)}
			}
		}
	})

	var (
		acked             []int64
		before, after     int
		failed, readsOK   int
		slowest           time.Duration
		phase             = 0 // 0: before the outage, 1: down, 2: restarted
		failuresInOutage  int
		downDone, upStart bool
	)
	for ev := range events {
		switch {
		case ev.err == nil:
			if ev.id >= 0 {
				acked = append(acked, ev.id)
				if phase == 2 {
					after++
				} else if phase == 0 {
					before++
				}
			} else {
				readsOK++
			}
		case errors.Is(ev.err, dao.ErrUnavailable):
			if failed == 0 {
				t.Logf("first error during the outage (after %v): %v", ev.dur.Round(time.Millisecond), ev.err)
			}
			failed++
			if phase == 1 {
				failuresInOutage++
			}
			slowest = max(slowest, ev.dur)
			if ev.dur > timeout+3*time.Second {
				t.Errorf("a call during the outage took %v, want at most the %v timeout (plus slack)", ev.dur, timeout)
			}
		case ctx.Err() != nil:
			// The test's time bound: reported after the loop.
		default:
			t.Errorf("a call failed with %v, want nil or dao.ErrUnavailable", ev.err)
		}
		switch {
		case phase == 0 && before >= 100 && !downDone:
			downDone = true
			phase = 1
			srv.servers("down")
		case phase == 1 && failuresInOutage >= 3 && !upStart:
			upStart = true
			srv.servers("up")
			phase = 2
		case phase == 2 && after >= 100:
			close(stop)
			for range events { // drain until the workload returns
			}
		}
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the workload ran out of time in phase %d (0 before, 1 during, 2 after the outage): %d before, %d failed, %d after",
			phase, before, failed, after)
	}
	if failuresInOutage < 3 {
		t.Fatalf("only %d calls failed while the server was down", failuresInOutage)
	}

	missing := 0
	for _, id := range acked {
		if _, err := d.Get(ctx, id); err != nil {
			missing++
			if missing < 5 {
				t.Errorf("insert of %d was reported done, but Get after the restart says %v", id, err)
			}
		}
	}
	n, err := d.Count(ctx, dao.All[doc]())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("restart: %d inserts acknowledged (%d before the outage, %d after the restart), %d calls failed with ErrUnavailable "+
		"(slowest %v, timeout %v), %d reads ok, %d documents stored, %d acknowledged missing",
		len(acked), before, after, failed, slowest.Round(time.Millisecond), timeout, readsOK, n, missing)
	if n < int64(len(acked)) {
		t.Errorf("Count = %d after the restart, fewer than the %d acknowledged inserts", n, len(acked))
	}
}

type doc struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
}
