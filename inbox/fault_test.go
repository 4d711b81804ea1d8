package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/inbox"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
	"github.com/hexkit-go/hexkit/mongo"
)

// envFaultChild carries the configuration of the consumer that
// TestFaultConsumerKilled runs in a child process and kills.
const envFaultChild = "HEXKIT_INBOX_FAULT_CHILD"

// Sizes of the consumer-kill scenario.
const (
	faultEvents   = 20_000
	faultCounters = 100
	faultKills    = 5
)

// faultChild is the configuration of the child consumer.
type faultChild struct {
	Brokers  []string
	Topic    string
	Group    string
	MongoURI string
	Database string
	Log      string // one line per event handled: "a" applied, "s" skipped
}

// Increment is the event of the scenario: add one to the counter named by
// the event's key.
type Increment struct {
	Seq int `json:"seq"`
}

func (Increment) EventType() string { return "increment" }

// TestFaultConsumerKilled is fault test (c) of the inbox: 20000 increments
// of 100 counters are published up front; a consumer applying them with an
// Applier on FerretDB runs in a child process that is SIGKILLed 5 times at
// random points and restarted, and the last one runs to completion. Every
// counter must then equal the number of its events: applied twice = 0,
// lost = 0. It runs on the shared Kafka and FerretDB (a topic, group and
// database of its own): only the consumer is killed, the servers are
// untouched.
func TestFaultConsumerKilled(t *testing.T) {
	if cfg := os.Getenv(envFaultChild); cfg != "" {
		runFaultChild(t, cfg)
		return
	}
	t.Parallel()
	brokers := testenv.KafkaBrokers(t)
	testenv.MongoURI(t) // skip (or fail under HEXKIT_REQUIRE_SERVERS) without the servers installed
	uri := testenv.StartPrivateFerretDB(t).MongoURI()
	// A bound for a busy machine: alone the scenario takes about a minute.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	b := kafkatest.Connect(t, brokers...)
	// One partition: FerretDB (SQLite) applies sequential writes fastest,
	// and the order of the kills does not depend on the partitions.
	topic := b.Topic(t, "inbox-fault", 1)
	child := faultChild{
		Brokers: brokers, Topic: topic, Group: testenv.UniqueName(t, "inbox-fault-svc"),
		MongoURI: uri, Database: testenv.UniqueName(t, "inbox-fault"), Log: t.TempDir() + "/handled",
	}
	db := openFaultDB(t, child)

	// Publish every event up front, keys spread at random over the
	// counters. The seed is logged: the same seed gives the same keys and
	// kill points.
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	want := map[string]int{}
	var msgs []*events.Message
	for seq := range faultEvents {
		key := fmt.Sprintf("c%02d", rng.IntN(faultCounters))
		want[key]++
		msgs = append(msgs, &events.Message{
			Topic: topic, Key: key, Type: "increment", EventID: events.NewEventID(), CorrelationID: events.NewEventID(),
			Payload: []byte(`{"seq":` + strconv.Itoa(seq) + `}`),
		})
	}
	// Small sends make small record batches, so that the consumer, which
	// fetches little at a time, commits often (it commits after a fetch).
	pub := b.Sender(t)
	for i := 0; i < len(msgs); i += 100 {
		if err := pub.Send(ctx, msgs[i:i+100]...); err != nil {
			t.Fatalf("publishing: %v", err)
		}
	}

	cfgJSON, err := json.Marshal(child)
	if err != nil {
		t.Fatal(err)
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFaultConsumerKilled$", "-test.count=1")
		cmd.Env = append(os.Environ(), envFaultChild+"="+string(cfgJSON))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
			if t.Failed() && out.Len() > 0 {
				t.Logf("child %d output:\n%s", cmd.Process.Pid, out.Bytes())
			}
		})
		return cmd
	}
	logged := func() (applied, skipped int) {
		data, _ := os.ReadFile(child.Log)
		return bytes.Count(data, []byte("a\n")), bytes.Count(data, []byte("s\n"))
	}
	adm := kadm.NewClient(b.Client())
	committed := func() int64 {
		offs, err := adm.FetchOffsets(ctx, child.Group)
		if err != nil {
			return -1
		}
		var sum int64
		offs.Each(func(o kadm.OffsetResponse) {
			if o.Topic == topic {
				sum += max(o.At, 0)
			}
		})
		return sum
	}

	// Kill points: how many applications the log shows before each kill,
	// random, spread over the run.
	var points []int
	for range faultKills {
		points = append(points, 1000+rng.IntN(faultEvents-4000))
	}
	slices.Sort(points)
	t0 := time.Now()
	var atKill []string
	for i, p := range points {
		cmd := start()
		waitUntil(t, ctx, fmt.Sprintf("%d applications before kill %d", p, i+1), func() bool { a, _ := logged(); return a >= p })
		time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond) // somewhere in the middle of an Apply
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		a, s := logged()
		atKill = append(atKill, fmt.Sprintf("kill %d at %v: logged applied=%d skipped=%d, committed=%d", i+1, time.Since(t0).Round(100*time.Millisecond), a, s, committed()))
	}
	final := start()
	waitUntil(t, ctx, "the last consumer to commit every event", func() bool { return committed() == faultEvents })
	_ = final.Process.Signal(syscall.SIGTERM)
	if err := final.Wait(); err != nil {
		t.Errorf("the last consumer exited with %v", err)
	}
	took := time.Since(t0)

	got := map[string]int{}
	sum := 0
	for c, err := range db.Find(ctx, dao.All[Counter]()) {
		if err != nil {
			t.Fatal(err)
		}
		got[c.ID] = c.N
		sum += c.N
	}
	twice, lost := 0, 0
	for key, n := range want {
		if d := got[key] - n; d > 0 {
			twice += d
		} else {
			lost -= d
		}
	}
	applied, skipped := logged()
	for _, l := range atKill {
		t.Log(l)
	}
	t.Logf("consumer killed %d times while applying %d events to %d counters (%v): sum=%d applied-twice=%d lost=%d; logged applications=%d (%d more were written but killed before their log line), redeliveries skipped as duplicates=%d",
		faultKills, faultEvents, len(want), took.Round(100*time.Millisecond), sum, twice, lost, applied, faultEvents-applied, skipped)
	if sum != faultEvents || twice != 0 || lost != 0 || len(got) != len(want) {
		t.Errorf("counters: sum %d over %d counters, applied twice %d, lost %d; want %d over %d, 0, 0", sum, len(got), twice, lost, faultEvents, len(want))
	}
	if skipped == 0 {
		t.Errorf("no redelivery was skipped: the kills did not land between a write and its commit")
	}
}

// openFaultDB opens the scenario's counters on FerretDB, and drops the
// database after the test.
func openFaultDB(t *testing.T, c faultChild) dao.DAO[Counter, string] {
	t.Helper()
	db := openDatabase(t, c.MongoURI, c.Database)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := mongo.NewDAO[Counter, string](ctx, db, "counters", dao.WithVersionField(counterVersion))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// waitUntil polls cond every 20ms until it holds or ctx ends.
func waitUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// runFaultChild is the consumer that TestFaultConsumerKilled kills: an
// Applier on FerretDB behind a router on a Kafka subscriber. It runs until
// killed, or until SIGTERM (the last one).
func runFaultChild(t *testing.T, cfgJSON string) {
	var c faultChild
	if err := json.Unmarshal([]byte(cfgJSON), &c); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	// Die with the parent test (killed by a timeout, say) rather than
	// consume on as an orphan.
	go func(parent int) {
		for range time.Tick(200 * time.Millisecond) {
			if os.Getppid() != parent {
				os.Exit(3)
			}
		}
	}(os.Getppid())
	log, err := os.OpenFile(c.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := mongo.Open(mctx, mongo.Config{URI: hexkit.NewSecret(c.MongoURI), Database: c.Database, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	counters, err := mongo.NewDAO[Counter, string](mctx, db, "counters", dao.WithVersionField(counterVersion))
	if err != nil {
		t.Fatal(err)
	}
	// Redeliveries after a kill are the events since the last commit (a
	// fetch of 16 KiB, a hundred events or so, plus 300ms of handling)
	// over 100 counters: 20 ids per counter detect them all, and keep the
	// documents small, which FerretDB needs to be fast (see WithKeep). Too
	// few would show as counters applied twice.
	ap, err := inbox.NewApplier(counters, counterID, counterApplied, inbox.WithKeep(20))
	if err != nil {
		t.Fatal(err)
	}
	r := events.NewRouter(events.WithLogger(quiet()))
	events.Handle(r, c.Topic, func(ctx context.Context, d events.Delivery[Increment]) error {
		applied, err := ap.Apply(ctx, d.EventID, d.Key, incr)
		if err != nil {
			return err
		}
		line := "s\n"
		if applied {
			line = "a\n"
		}
		_, err = log.WriteString(line)
		return err
	})
	kc, err := kafka.Open(mctx, kafka.Config{Brokers: c.Brokers, ServiceName: c.Group, InstanceID: "child",
		Options: []kgo.Opt{
			kgo.InstanceID("child"), // static membership: a restarted child takes over at once
			kgo.SessionTimeout(6 * time.Second), kgo.AutoCommitInterval(300 * time.Millisecond),
			kgo.FetchMaxPartitionBytes(16 << 10), kgo.FetchMaxBytes(16 << 10),
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close(context.Background())
	sub, err := kafka.NewSubscriber(kc, c.Group, r, events.WithLogger(quiet()),
		events.WithRetryBackoff(10*time.Millisecond, 500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Run(ctx); err != nil {
		t.Fatal(err)
	}
}
