package mongomigrate

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/migrate"
	"github.com/hexkit-go/hexkit/mongo"
)

// The process tests re-execute this test binary as a migrating service
// instance: with childEnv set, TestMain runs child instead of the tests.
const (
	childEnv   = "HEXKIT_MIGRATE_CHILD"
	childDB    = "HEXKIT_MIGRATE_CHILD_DB"
	childColl  = "HEXKIT_MIGRATE_CHILD_COLL"
	childLease = "HEXKIT_MIGRATE_CHILD_LEASE"
	childHang  = "HEXKIT_MIGRATE_CHILD_HANG" // a step version that never returns
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

// childSteps are steps 2 and 3: each writes an effect document naming its
// process and takes 300ms; the step numbered hang never returns.
func childSteps(hang int) []migrate.Step[*mongodriver.Database] {
	var out []migrate.Step[*mongodriver.Database]
	for v := 2; v <= 3; v++ {
		out = append(out, migrate.Step[*mongodriver.Database]{Version: v, Up: func(ctx context.Context, db *mongodriver.Database) error {
			if _, err := db.Collection("effects").InsertOne(ctx, bson.D{{Key: "step", Value: v}, {Key: "pid", Value: os.Getpid()}, {Key: "hang", Value: v == hang}}); err != nil {
				return err
			}
			if v == hang {
				select {}
			}
			time.Sleep(300 * time.Millisecond)
			return nil
		}})
	}
	return out
}

func child() int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := mongo.Open(ctx, mongo.Config{URI: hexkit.NewSecret(os.Getenv(testenv.EnvMongoURI)), Database: os.Getenv(childDB)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close(context.Background())
	lease, _ := time.ParseDuration(os.Getenv(childLease))
	hang, _ := strconv.Atoi(os.Getenv(childHang))
	m, err := NewMigrator(db, os.Getenv(childColl), 3, childSteps(hang), migrate.WithLease(lease), migrate.WithPollInterval(100*time.Millisecond))
	if err == nil {
		err = m.Migrate(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// startChild starts one migrating process.
func startChild(t *testing.T, dbName, coll string, lease time.Duration, hang int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDB+"="+dbName, childColl+"="+coll,
		childLease+"="+lease.String(), childHang+"="+strconv.Itoa(hang), testenv.EnvMongoURI+"="+testenv.MongoURI(t))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// effects counts the effect documents per step.
func effects(t *testing.T, mdb *mongodriver.Database) map[int]int {
	t.Helper()
	cur, err := mdb.Collection("effects").Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		Step int `bson:"step"`
	}
	if err := cur.All(context.Background(), &docs); err != nil {
		t.Fatal(err)
	}
	n := map[int]int{}
	for _, d := range docs {
		n[d.Step]++
	}
	return n
}

func history(t *testing.T, db *mongo.DB, coll string) string {
	t.Helper()
	m, err := NewMigrator(db, coll, 3, childSteps(0))
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, r := range h {
		s = append(s, fmt.Sprintf("%d(%v)", r.Version, r.Duration.Round(100*time.Millisecond)))
	}
	// Versions 1 to 3, once each; steps 2 and 3 sleep 300ms, so their
	// records say at least that (a loaded machine adds to it).
	ok := len(h) == 3
	for i, r := range h {
		if !ok {
			break
		}
		ok = r.Version == i+1 && (r.Version == 1 || r.Duration >= 290*time.Millisecond && r.Duration < 3*time.Second)
	}
	if !ok {
		t.Errorf("history %v, want versions 1, 2 and 3, the steps of 300ms to 3s each", s)
	}
	return fmt.Sprint(s)
}

// TestProcessesStartedAtOnceMigrateOnce: three service processes started
// at once; one migrates, the others wait, each step runs once.
func TestProcessesStartedAtOnceMigrateOnce(t *testing.T) {
	db := testDB(t)
	var mdb *mongodriver.Database
	db.As(&mdb)
	coll := "svcDbVersions"
	start := time.Now()
	var cmds []*exec.Cmd
	for range 3 {
		cmds = append(cmds, startChild(t, mdb.Name(), coll, 5*time.Second, 0))
	}
	var wg sync.WaitGroup
	errs := make([]error, len(cmds))
	for i, c := range cmds {
		wg.Go(func() { errs[i] = c.Wait() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	if got := effects(t, mdb); got[2] != 1 || got[3] != 1 {
		t.Errorf("steps ran %v times (step: count), want each once", got)
	}
	h := history(t, db, coll)
	t.Logf("3 processes done in %v; history %s", time.Since(start).Round(time.Millisecond), h)
}

// TestKilledMigratorLeaseExpires: a migrator SIGKILLed in the middle of
// step 3 leaves its lock; the next process waits until the lease expires,
// takes the lock over and completes.
func TestKilledMigratorLeaseExpires(t *testing.T) {
	db := testDB(t)
	var mdb *mongodriver.Database
	db.As(&mdb)
	coll := "svcDbVersions"
	const lease = 2 * time.Second
	first := startChild(t, mdb.Name(), coll, lease, 3)
	deadline := time.Now().Add(30 * time.Second)
	for effects(t, mdb)[3] == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first process never reached step 3")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	killed := time.Now()
	second := startChild(t, mdb.Name(), coll, lease, 0)
	if err := second.Wait(); err != nil {
		t.Fatalf("second process: %v", err)
	}
	took := time.Since(killed)
	if got := effects(t, mdb); got[2] != 1 || got[3] != 2 {
		t.Errorf("steps ran %v times (step: count), want step 2 once and step 3 twice (killed, then again)", got)
	}
	h := history(t, db, coll)
	// The lease was renewed at most lease/4 before the kill, so it expired
	// at most `lease` after it; the second process then needs one poll
	// (100ms) and step 3 (300ms).
	if took > lease+2*time.Second {
		t.Errorf("the second process completed %v after the kill, want within the lease (%v) plus a step and a poll", took, lease)
	}
	cur, err := mdb.Collection(coll+"_takeovers").Find(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	var claims []struct {
		At time.Time `bson:"at"`
	}
	if err := cur.All(context.Background(), &claims); err != nil || len(claims) != 1 {
		t.Fatalf("takeover claims: %d (%v), want 1", len(claims), err)
	}
	t.Logf("lease %v: the next process took the lock over %v and completed %v after the SIGKILL; history %s",
		lease, claims[0].At.Sub(killed).Round(time.Millisecond), took.Round(time.Millisecond), h)
}
