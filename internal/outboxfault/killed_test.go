package outboxfault

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hexkit-go/hexkit/outbox"
)

const (
	// writerEnv selects the writer role of the test binary; its value is
	// the JSON of the writer's target.
	writerEnv = "HEXKIT_OUTBOXFAULT_WRITER"
	kills     = 5
	// writerLeaseTTL is the relay lease of the writers: a restarted writer's
	// relay publishes once the lease of the killed one has run out.
	writerLeaseTTL = 5 * time.Second
)

func TestMain(m *testing.M) {
	if cfg := os.Getenv(writerEnv); cfg != "" {
		os.Exit(writerMain(cfg))
	}
	os.Exit(m.Run())
}

// writerMain is the writer process: it finds how far the schedule got from
// the stored documents, runs a relay and applies the rest of the schedule,
// printing "resume <k>" and then "done <k>" after each change. It returns
// (exits) once every change is stored and its relay has stopped.
func writerMain(cfg string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "writer:", err)
		return 1
	}
	var tg target
	if err := json.Unmarshal([]byte(cfg), &tg); err != nil {
		return fail(err)
	}
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w, err := open(ctx, tg, logger, outbox.WithLeaseTTL(writerLeaseTTL), outbox.WithPollInterval(50*time.Millisecond))
	if err != nil {
		return fail(err)
	}
	defer func() { _ = w.close(ctx) }()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- w.relay.Run(runCtx) }()
	s := killSchedule
	st, err := s.stored(ctx, w.dao)
	if err != nil {
		return fail(err)
	}
	k, err := s.resume(st)
	if err != nil {
		return fail(err)
	}
	fmt.Printf("resume %d\n", k)
	for ; k < s.total(); k++ {
		if err := s.apply(ctx, w.dao, s.at(k)); err != nil {
			return fail(err)
		}
		fmt.Printf("done %d\n", k+1)
	}
	stop()
	if err := <-ran; err != nil {
		return fail(err)
	}
	return 0
}

// writerRun is one run of the writer process.
type writerRun struct {
	resumed, done int // the change it started from, the changes it reported done
	killed        bool
	took          time.Duration
}

// runWriter starts the writer process and, when killAfter > 0, kills it
// with SIGKILL soon after it has reported killAfter more changes done (a
// random pause of up to 20ms later, so the kill lands anywhere in a write
// or a relay pass); otherwise it waits for the writer to finish.
func runWriter(ctx context.Context, t *testing.T, tg target, killAfter int, rng *rand.Rand) writerRun {
	t.Helper()
	cfg, err := json.Marshal(tg)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), writerEnv+"="+string(cfg))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	run := writerRun{resumed: -1}
	var mu sync.Mutex
	progress := make(chan struct{}, 1)
	read := make(chan error, 1)
	go func() { read <- readProgress(out, &mu, &run, progress) }()
	if killAfter > 0 {
		for {
			mu.Lock()
			reached := run.resumed >= 0 && run.done >= run.resumed+killAfter
			mu.Unlock()
			if reached {
				break
			}
			select {
			case <-progress:
			case err := <-read:
				_ = cmd.Wait()
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("the writer ended after %v, at change %d of its run from %d, before it was killed (%v, %v): %s",
					time.Since(started).Round(time.Millisecond), run.done, run.resumed, err, ctx.Err(), stderr.String())
			}
		}
		time.Sleep(time.Duration(rng.IntN(20_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-read; err != nil {
		t.Fatalf("reading the writer's progress: %v", err)
	}
	err = cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	run.took = time.Since(started)
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL && killAfter > 0 {
		run.killed = true
	} else if err != nil || killAfter > 0 {
		t.Fatalf("writer exited with %v (killed: %v), stderr:\n%s", err, run.killed, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("writer's stderr:\n%s", stderr.String())
	}
	return run
}

// readProgress reads the writer's "resume" and "done" lines into run until
// its stdout closes, and signals progress after each.
func readProgress(r io.Reader, mu *sync.Mutex, run *writerRun, progress chan<- struct{}) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		word, num, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || (word != "resume" && word != "done") {
			return fmt.Errorf("unexpected line %q", sc.Text())
		}
		mu.Lock()
		if word == "resume" {
			run.resumed, run.done = n, n
		} else {
			run.done = n
		}
		mu.Unlock()
		select {
		case progress <- struct{}{}:
		default:
		}
	}
	return sc.Err()
}

// TestWriterKilledAndRestarted writes 20,000 changes over 200 ids (or
// HEXKIT_OUTBOXFAULT_IDS ids, see idsEnv) through an outbox DAO on a
// FerretDB and an Apache Kafka of the test's own, in a
// writer process that is killed (SIGKILL) at random points five times and
// restarted, each run resuming from what is stored. After the last run a
// fresh relay publishes what is still pending. Every id's last event must be
// its stored state and no id's events may go back in its history.
func TestWriterKilledAndRestarted(t *testing.T) {
	start := time.Now()
	budget := 9 * time.Minute // within go test's default timeout
	if d, ok := t.Deadline(); ok {
		budget = time.Until(d) - 30*time.Second // time left to stop the servers
	}
	ctx, cancel := context.WithTimeout(t.Context(), budget)
	defer cancel()
	tg, _ := privateServers(ctx, t)
	t.Logf("private servers ready after %v", time.Since(start).Round(time.Millisecond))

	seed := uint64(time.Now().UnixNano())
	t.Logf("kill points drawn with seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	s := killSchedule
	var runs []writerRun
	killed, landedUnreported := 0, 0
	for len(runs) <= kills {
		killAfter := 0
		if len(runs) < kills {
			// 7.5% to 17.5% of the schedule per killed run: the last run
			// has at least an eighth of it left.
			killAfter = s.total()*3/40 + rng.IntN(s.total()/10)
		}
		run := runWriter(ctx, t, tg, killAfter, rng)
		if n := len(runs); n > 0 && run.resumed != runs[n-1].done {
			landedUnreported += run.resumed - runs[n-1].done
			if run.resumed != runs[n-1].done+1 {
				t.Errorf("run %d resumed at change %d; the killed run reported %d done (at most one more may have been stored)",
					n, run.resumed, runs[n-1].done)
			}
		}
		if run.killed {
			killed++
		}
		t.Logf("run %d: changes %d..%d in %v, killed: %v", len(runs), run.resumed, run.done, run.took.Round(time.Millisecond), run.killed)
		runs = append(runs, run)
	}
	if last := runs[len(runs)-1]; last.done != s.total() || killed != kills {
		t.Fatalf("the writer ran %d times, was killed %d times and ended at change %d; want %d kills and %d changes",
			len(runs), killed, last.done, kills, s.total())
	}

	w, err := open(ctx, tg, testLogger(t), outbox.WithLeaseTTL(writerLeaseTTL))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.close(context.WithoutCancel(ctx)) }()
	drained, err := w.drain(ctx)
	if err != nil {
		t.Fatalf("the final PublishPending: %v", err)
	}
	st, err := s.stored(ctx, w.dao)
	if err != nil {
		t.Fatal(err)
	}
	if final := s.final(); !slices.Equal(st, final) {
		t.Fatalf("the stored documents are not those of the whole schedule")
	}
	v := expectComplete(t, tg.Brokers, tg.Topic, s)
	t.Logf("writer killed: %d changes over %d ids written in %d runs, %d SIGKILLs (%d writes stored but not reported before the kill), "+
		"%d published by the final drain; %v; %v in all",
		s.total(), s.ids, len(runs), killed, landedUnreported, drained, v, time.Since(start).Round(time.Millisecond))
}
