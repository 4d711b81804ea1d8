package kafka_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

// faultTimeout bounds each fault scenario: they move 100k events through a
// broker that is stopped on the way, on a slow shared machine under -race.
const faultTimeout = 5 * time.Minute

// envFaultChild carries the configuration of the consumer that the
// consumer-kill scenario runs in a child process and kills.
const envFaultChild = "HEXKIT_FAULT_CHILD"

// TestFault runs the fault scenarios against a private Apache Kafka broker
// that the test starts, stops and restarts through scripts/servers:
// (a) a broker restart while 100k events are published and consumed,
// (b) a consumer killed (SIGKILL) mid-stream and replaced,
// (c) a handler failing for a chosen subset with a dead letter queue,
// and the SASL_SSL listener (also on the private broker unless the
// environment names the shared one's). Every scenario logs its counts.
func TestFault(t *testing.T) {
	if cfg := os.Getenv(envFaultChild); cfg != "" {
		runFaultChild(t, cfg)
		return
	}
	p := startOwnKafka(t)
	t.Run("BrokerRestart", func(t *testing.T) { testBrokerRestart(t, p) })
	t.Run("ConsumerKill", func(t *testing.T) { testConsumerKill(t, p) })
	t.Run("FailingSubset", func(t *testing.T) { testFaultFailingSubset(t, p) })
	t.Run("SASL_SSL", func(t *testing.T) { testSASLSSL(t, p) })
}

// faultMsg is event seq of a fault scenario: payload {"seq":N}.
func faultMsg(topic string, seq int) *events.Message {
	return &events.Message{
		Topic: topic, Key: "key-" + strconv.Itoa(seq%64), Type: "fault_event",
		EventID: events.NewEventID(), CorrelationID: events.NewEventID(),
		Headers: map[string]string{"origin": "fault-test"},
		Payload: []byte(`{"seq":` + strconv.Itoa(seq) + `}`),
	}
}

// seqOf reads N back from a {"seq":N} payload.
func seqOf(payload []byte) (int, error) {
	i := bytes.IndexByte(payload, ':')
	j := bytes.IndexByte(payload, '}')
	if i < 0 || j < i {
		return 0, fmt.Errorf("payload %q is not a fault event", payload)
	}
	return strconv.Atoi(string(payload[i+1 : j]))
}

// tally counts how often each of n events was handled.
type tally struct {
	counts  []atomic.Int32
	handled atomic.Int64
	unique  atomic.Int64
}

func newTally(n int) *tally { return &tally{counts: make([]atomic.Int32, n)} }

func (c *tally) HandleMessage(_ context.Context, m *events.Message) error {
	seq, err := seqOf(m.Payload)
	if err != nil || seq < 0 || seq >= len(c.counts) {
		return fmt.Errorf("unexpected event: %v", err)
	}
	if c.counts[seq].Add(1) == 1 {
		c.unique.Add(1)
	}
	c.handled.Add(1)
	return nil
}

// waitFor polls cond every 20ms until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
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

// publishAll sends n fault events in batches of 1000, resending the
// messages of a batch that failed, until every one is acknowledged. It
// reports progress in published and returns how many were sent again.
func publishAll(ctx context.Context, s events.Sender, topic string, n int, published *atomic.Int64) (resent int, err error) {
	for start := 0; start < n; start += 1000 {
		var pending []*events.Message
		for seq := start; seq < min(start+1000, n); seq++ {
			pending = append(pending, faultMsg(topic, seq))
		}
		for len(pending) > 0 {
			err := s.Send(ctx, pending...)
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return resent, err
			}
			var be *events.BatchError
			if !errors.As(err, &be) {
				return resent, err
			}
			var failed []*events.Message
			for i, e := range be.Errs {
				if e != nil {
					failed = append(failed, pending[i])
				}
			}
			resent += len(failed)
			pending = failed
		}
		published.Store(int64(min(start+1000, n)))
	}
	return resent, nil
}

func runSubscriber(t *testing.T, cfg kafka.Config, topics []string, h events.MessageHandler) (stop func()) {
	t.Helper()
	s, err := kafka.NewSubscriber(open(t, cfg), cfg.ServiceName, h, events.WithLogger(quietLogger()),
		events.WithRetryBackoff(5*time.Millisecond, 200*time.Millisecond), events.WithTopics(topics...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("subscriber Run = %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func testBrokerRestart(t *testing.T, p *ownKafka) {
	const n = 100_000
	ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
	defer cancel()
	b := kafkatest.Connect(t, p.brokers()...)
	topic := b.Topic(t, "fault-restart", 4)
	got := newTally(n)
	cfg := b.Config("fault-restart-svc")
	cfg.Options = []kgo.Opt{kgo.AutoCommitInterval(500 * time.Millisecond)}
	stop := runSubscriber(t, cfg, []string{topic}, got)

	pub := sender(t, b.Config(""))
	var published atomic.Int64
	var resent int
	pubDone := make(chan error, 1)
	go func() {
		var err error
		resent, err = publishAll(ctx, pub, topic, n, &published)
		pubDone <- err
	}()

	// Stop the broker mid-stream: events are both in flight to the broker
	// and being consumed.
	// Wait for a commit too, so the restart shows resuming from a commit
	// rather than from the start.
	adm := kadm.NewClient(b.Client())
	waitFor(t, ctx, "20k events handled and some committed before the restart", func() bool {
		if got.unique.Load() < 20_000 {
			return false
		}
		offs, err := adm.FetchOffsets(ctx, "fault-restart-svc")
		if err != nil {
			return false
		}
		var sum int64
		offs.Each(func(o kadm.OffsetResponse) { sum += max(o.At, 0) })
		return sum > 0
	})
	atStop := published.Load()
	t0 := time.Now()
	p.down(t)
	downTook := time.Since(t0)
	time.Sleep(2 * time.Second) // an outage, not synchronization
	p.up(t)
	outage := time.Since(t0)
	t.Logf("broker stopped in %v, back after %v", downTook.Round(100*time.Millisecond), outage.Round(100*time.Millisecond))
	if err := <-pubDone; err != nil {
		t.Fatalf("publishing through the restart: %v", err)
	}
	waitFor(t, ctx, "every published event handled", func() bool { return got.unique.Load() == n })
	stop()
	handled, unique := got.handled.Load(), got.unique.Load()
	t.Logf("broker restart (outage %v, %d events acknowledged before it): published=%d resent=%d handled=%d duplicates=%d lost=%d",
		outage.Round(100*time.Millisecond), atStop, n, resent, handled, handled-unique, int64(n)-unique)
	if unique != n {
		t.Errorf("lost %d events", int64(n)-unique)
	}
}

// faultChild is the configuration of the child consumer.
type faultChild struct {
	Brokers []string
	Topic   string
	Group   string
	File    string
}

func childConfig(c faultChild) kafka.Config {
	return kafka.Config{Brokers: c.Brokers, ServiceName: c.Group, InstanceID: "child",
		Options: []kgo.Opt{kgo.SessionTimeout(6 * time.Second), kgo.AutoCommitInterval(200 * time.Millisecond)}}
}

// runFaultChild is the consumer that testConsumerKill kills: it appends
// the seq of every event it handles to a file with one write each, so
// what it handled before SIGKILL is on record, and runs until killed.
func runFaultChild(t *testing.T, cfgJSON string) {
	var c faultChild
	if err := json.Unmarshal([]byte(cfgJSON), &c); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(c.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	h := events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
		seq, err := seqOf(m.Payload)
		if err != nil {
			return err
		}
		time.Sleep(2 * time.Millisecond) // some work, so the parent kills it mid-stream
		_, err = f.WriteString(strconv.Itoa(seq) + "\n")
		return err
	})
	cfg := childConfig(c)
	s, err := kafka.NewSubscriber(open(t, cfg), cfg.ServiceName, h, events.WithLogger(quietLogger()), events.WithTopics(c.Topic))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Run(context.Background()) // until SIGKILL
}

func testConsumerKill(t *testing.T, p *ownKafka) {
	const n = 20_000
	ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
	defer cancel()
	b := kafkatest.Connect(t, p.brokers()...)
	topic := b.Topic(t, "fault-kill", 4)
	var published atomic.Int64
	if _, err := publishAll(ctx, b.Sender(t), topic, n, &published); err != nil {
		t.Fatal(err)
	}
	child := faultChild{Brokers: p.brokers(), Topic: topic, Group: "fault-kill-svc", File: t.TempDir() + "/handled"}
	cfgJSON, _ := json.Marshal(child)
	cmd := exec.Command(os.Args[0], "-test.run=^TestFault$", "-test.count=1")
	cmd.Env = append(os.Environ(), envFaultChild+"="+string(cfgJSON))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	childLines := func() int {
		data, _ := os.ReadFile(child.File)
		return bytes.Count(data, []byte("\n"))
	}
	adm := kadm.NewClient(b.Client())
	committed := func() int64 {
		offs, err := adm.FetchOffsets(ctx, child.Group)
		if err != nil {
			t.Fatalf("FetchOffsets: %v", err)
		}
		var sum int64
		offs.Each(func(o kadm.OffsetResponse) {
			if o.Topic == topic {
				sum += o.At
			}
		})
		return sum
	}
	waitFor(t, ctx, "the child consumer to handle and commit 4000 events", func() bool { return childLines() >= 4000 && committed() > 0 })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	data, err := os.ReadFile(child.File)
	if err != nil {
		t.Fatal(err)
	}
	byChild := map[int]bool{}
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		seq, err := strconv.Atoi(string(line))
		if err != nil {
			t.Fatalf("child's record %q: %v", line, err)
		}
		byChild[seq] = true
	}
	atKill := committed()
	if atKill == 0 || atKill >= n {
		t.Fatalf("committed %d of %d events at the kill: the kill was not mid-stream", atKill, n)
	}

	got := newTally(n)
	stop := runSubscriber(t, childConfig(child), []string{topic}, got)
	// Committed == end offsets means the new member handled everything.
	waitFor(t, ctx, "the new member to commit every event", func() bool { return committed() == n })
	stop()
	union := int64(len(byChild))
	dups := 0
	for seq := range n {
		if got.counts[seq].Load() > 0 {
			if byChild[seq] {
				dups++
			} else {
				union++
			}
		}
	}
	t.Logf("consumer kill: published=%d handled-before-kill=%d committed-at-kill=%d handled-after=%d duplicates=%d lost=%d",
		n, len(byChild), atKill, got.handled.Load(), dups, int64(n)-union)
	if union != n {
		t.Errorf("lost %d events", int64(n)-union)
	}
	if want := int64(n) - atKill; got.handled.Load() != want {
		t.Errorf("the new member handled %d events, want exactly the %d after the last commit", got.handled.Load(), want)
	}
}

func testFaultFailingSubset(t *testing.T, p *ownKafka) {
	const n = 10_000
	ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
	defer cancel()
	b := kafkatest.Connect(t, p.brokers()...)
	topic := b.Topic(t, "fault-subset", 4)
	dlq := b.Topic(t, "fault-dlq", 1)
	service := "fault-subset-svc"
	b.CreateTopic(t, events.RetryTopic(service), 1)
	failing := func(seq int) bool { return seq%97 == 5 }

	ok := newTally(n)
	h := events.MessageHandlerFunc(func(ctx context.Context, m *events.Message) error {
		seq, err := seqOf(m.Payload)
		if err != nil {
			return err
		}
		if failing(seq) {
			return fmt.Errorf("refusing event %d", seq)
		}
		return ok.HandleMessage(ctx, m)
	})
	pub := b.Sender(t)
	fh, err := events.NewFailureHandler(h, service, events.WithAttempts(2),
		events.WithBackoff(time.Millisecond, 10*time.Millisecond, 0.5), events.WithDLQ(pub), events.WithDLQTopic(dlq),
		events.WithFailureLogger(quietLogger()))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var dead []events.DeadLetter
	runSubscriber(t, b.Config("fault-dlq-reader"), []string{dlq}, events.HandleDeadLetters(
		func(_ context.Context, d events.DeadLetter, err error) error {
			if err != nil {
				t.Errorf("DLQ message: %v", err)
			}
			mu.Lock()
			dead = append(dead, d)
			mu.Unlock()
			return nil
		}))
	// h is no TopicLister: fh.Topics() names only the retry topic.
	runSubscriber(t, b.Config(service), append(fh.Topics(), topic), fh)

	ids := make([]string, n)
	var msgs []*events.Message
	wantDead := 0
	for seq := range n {
		m := faultMsg(topic, seq)
		ids[seq] = m.EventID
		msgs = append(msgs, m)
		if failing(seq) {
			wantDead++
		}
	}
	for i := 0; i < n; i += 1000 {
		if err := pub.Send(ctx, msgs[i:i+1000]...); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, ctx, "the rest handled and the subset dead-lettered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ok.unique.Load() == int64(n-wantDead) && len(dead) >= wantDead
	})
	mu.Lock()
	defer mu.Unlock()
	seen := map[int]bool{}
	for _, d := range dead {
		seq, err := seqOf(d.Payload)
		if err != nil {
			t.Fatal(err)
		}
		orig := msgs[seq]
		switch {
		case !failing(seq):
			t.Errorf("event %d is in the DLQ but its handler succeeds", seq)
		case d.OriginalTopic != topic || d.OriginalEventID != ids[seq] || d.Service != service ||
			d.Key != orig.Key || d.Type != orig.Type || d.CorrelationID != orig.CorrelationID ||
			d.EventID == ids[seq] || d.ExcClass != "*errors.errorString" ||
			d.ExcMsg != fmt.Sprintf("refusing event %d", seq) || d.UserHeaders["origin"] != "fault-test":
			t.Errorf("dead letter of event %d has wrong fields: %+v", seq, d)
		}
		seen[seq] = true
	}
	t.Logf("failing subset: published=%d handled=%d duplicates=%d dead-lettered=%d (want %d) lost=%d",
		n, ok.handled.Load(), ok.handled.Load()-ok.unique.Load(), len(seen), wantDead, int64(n)-ok.unique.Load()-int64(len(seen)))
	if len(seen) != wantDead {
		t.Errorf("dead-lettered %d distinct events, want %d", len(seen), wantDead)
	}
	for seq := range n {
		if !failing(seq) && ok.counts[seq].Load() == 0 {
			t.Errorf("event %d was not handled", seq)
		}
	}
}
