package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/kafka"
)

// Environment of a consumer child process (see consumeChild).
const (
	childEnv      = "HEXKIT_BENCH_CHILD" // "kafka-consume-hexkit" or "kafka-consume-raw"
	childTopicEnv = "HEXKIT_BENCH_TOPIC"
)

// consume compares the consumers, each reading the whole consume topic as
// a new group member in a process of its own, and reports their rates and
// their processes' peak RSS (MiB; lower is better, so a ratio below 1
// favours hexkit).
func (b *kafkaBench) consume(ctx context.Context, r *reporter, topic string) error {
	var hk, rw, hkRSS, rwRSS []float64
	for range max(r.rounds, 1) {
		rate, rss, err := runConsumeChild(ctx, "kafka-consume-raw", topic)
		if err != nil {
			return fmt.Errorf("consume: raw: %w", err)
		}
		rw, rwRSS = append(rw, rate), append(rwRSS, rss)
		if rate, rss, err = runConsumeChild(ctx, "kafka-consume-hexkit", topic); err != nil {
			return fmt.Errorf("consume: hexkit: %w", err)
		}
		hk, hkRSS = append(hk, rate), append(hkRSS, rss)
		fmt.Fprintf(os.Stderr, "consume round: raw %.0f/s %.0f MiB, hexkit %.0f/s %.0f MiB\n", rw[len(rw)-1], rwRSS[len(rwRSS)-1], rate, rss)
	}
	if err := r.print("consume", median(hk), median(rw)); err != nil {
		return err
	}
	return r.print("consume-peak-rss-MiB", median(hkRSS), median(rwRSS))
}

// runConsumeChild runs this program as the consumer child which, and
// returns its events/s and its peak RSS in MiB.
func runConsumeChild(ctx context.Context, which, topic string) (rate, rssMiB float64, err error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+which, childTopicEnv+"="+topic)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var n int
	var secs float64
	var hwmKiB int64
	if _, err := fmt.Sscan(out.String(), &n, &secs, &hwmKiB); err != nil || secs <= 0 {
		return 0, 0, fmt.Errorf("child printed %q", out.String())
	}
	return float64(n) / secs, float64(hwmKiB) / 1024, nil
}

// peakRSS returns the process's peak resident set size in KiB (VmHWM).
// The rusage of a child is no use here: Linux counts in it the parent's
// memory shared before exec.
func peakRSS() (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			_, err := fmt.Sscan(rest, &kib)
			return kib, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// consumeChild is the body of a consumer child process: it reads the
// topic named in the environment and prints "<events> <seconds> <peak
// RSS in KiB>".
func consumeChild(ctx context.Context, which string) error {
	brokers := strings.Split(os.Getenv("HEXKIT_KAFKA_BROKERS"), ",")
	topic := os.Getenv(childTopicEnv)
	group := fmt.Sprintf("bench-%s-%d", which, time.Now().UnixNano())
	start := time.Now()
	var n int
	var err error
	switch which {
	case "kafka-consume-raw":
		n, err = rawConsume(ctx, brokers, group, topic)
	case "kafka-consume-hexkit":
		n, err = hexkitConsume(ctx, brokers, group, topic)
	default:
		err = fmt.Errorf("unknown child %q", which)
	}
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	hwm, err := peakRSS()
	if err != nil {
		return err
	}
	fmt.Println(n, secs, hwm)
	return nil
}

// rawConsume reads the topic with franz-go directly as a new group member:
// poll, decode and check every record, mark it, autocommit the marks,
// commit at the end.
func rawConsume(ctx context.Context, brokers []string, group, topic string) (int, error) {
	cl, err := rawConsumer(brokers, group, topic)
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	n := 0
	for n < kafkaEvents {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := fetches.Err0(); err != nil {
			return 0, err
		}
		var ferr error
		fetches.EachRecord(func(r *kgo.Record) {
			if _, err := rawDecode(r); err != nil {
				ferr = err
				return
			}
			n++
			cl.MarkCommitRecords(r)
		})
		if ferr != nil {
			return 0, ferr
		}
	}
	if err := cl.CommitMarkedOffsets(ctx); err != nil {
		return 0, err
	}
	return n, nil
}

// rawConsumer is a raw franz-go group member reading topic from its start
// and committing the records it marks.
func rawConsumer(brokers []string, group, topic string) (*kgo.Client, error) {
	return kgo.NewClient(append(rawOpts(brokers),
		kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.AutoCommitMarks())...)
}

// rawDecode decodes and checks a record as a raw franz-go consumer of
// hexkit's wire format does: JSON payload into the event, the reserved
// headers.
func rawDecode(r *kgo.Record) (benchOrder, error) {
	var o benchOrder
	var typ, id, cid string
	for _, h := range r.Headers {
		switch h.Key {
		case events.HeaderType:
			typ = string(h.Value)
		case events.HeaderEventID:
			id = string(h.Value)
		case events.HeaderCorrelationID:
			cid = string(h.Value)
		}
	}
	err := json.Unmarshal(r.Value, &o)
	if err != nil || !checkOrder(typ, string(r.Key), id, cid, &o) {
		return o, fmt.Errorf("record %d/%d: bad event (%v)", r.Partition, r.Offset, err)
	}
	return o, nil
}

// hexkitConsume reads the topic with a kafka.NewSubscriber subscriber and
// a typed router handler as a new group member, and stops (graceful drain
// and commit included) once it has handled every event.
func hexkitConsume(ctx context.Context, brokers []string, group, topic string) (int, error) {
	client, err := kafka.Open(ctx, kafka.Config{Brokers: brokers})
	if err != nil {
		return 0, err
	}
	defer client.Close(context.WithoutCancel(ctx))
	var n atomic.Int64
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	router := events.NewRouter()
	var bad atomic.Int64
	events.Handle(router, topic, func(_ context.Context, d events.Delivery[benchOrder]) error {
		if !checkOrder(d.Type, d.Key, d.EventID, d.CorrelationID, &d.Event) {
			bad.Add(1)
		}
		if n.Add(1) == kafkaEvents {
			cancel()
		}
		return nil
	})
	sub, err := kafka.NewSubscriber(client, group, router, events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return 0, err
	}
	if err := sub.Run(runCtx); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if got := n.Load(); got < kafkaEvents || bad.Load() > 0 {
		return 0, fmt.Errorf("handled %d of %d events, %d bad", got, kafkaEvents, bad.Load())
	}
	return int(n.Load()), nil
}

// latency publishes kafkaLatencyRate events/s, each from its own
// goroutine as requests arrive, to a consumer in the same process, and
// reports the delay from just before publishing to the handler, over
// kafkaLatencyFor after a warm-up, of every round.
func (b *kafkaBench) latency(ctx context.Context, r *reporter) error {
	var hk, rw []time.Duration
	for range max(r.rounds, 1) {
		d, err := b.latencyRun(ctx, false)
		if err != nil {
			return fmt.Errorf("latency: raw: %w", err)
		}
		rw = append(rw, d...)
		if d, err = b.latencyRun(ctx, true); err != nil {
			return fmt.Errorf("latency: hexkit: %w", err)
		}
		hk = append(hk, d...)
	}
	return r.latency(fmt.Sprintf("latency-%d/s", kafkaLatencyRate), hk, rw)
}

// delays collects the delays of the events sent after from.
type delays struct {
	from atomic.Int64 // unix nanoseconds; 0 until the warm-up ends
	mu   sync.Mutex
	d    []time.Duration
	seen atomic.Int64 // every event, warm-up included
}

func (d *delays) add(o *benchOrder) {
	now := time.Now()
	d.seen.Add(1)
	from := d.from.Load()
	if from == 0 || o.SentAt < from {
		return
	}
	sent := time.Unix(0, o.SentAt)
	d.mu.Lock()
	d.d = append(d.d, now.Sub(sent))
	d.mu.Unlock()
}

func (b *kafkaBench) latencyRun(ctx context.Context, hexkitSide bool) ([]time.Duration, error) {
	topic, err := b.topic(ctx, "latency")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d := &delays{}
	var consumed chan error // the raw consumer's end; the subscriber's is in stop
	if hexkitSide {
		stop, err := b.hexkitLatencyConsumer(ctx, topic, d)
		if err != nil {
			return nil, err
		}
		defer stop()
	} else {
		consumed = make(chan error, 1)
		go func() { consumed <- b.rawLatencyConsumer(ctx, topic, d) }()
	}
	publish, closeFn, err := b.publisher(ctx, topic, hexkitSide)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	// Events go out at the rate from the start; the measured window
	// begins kafkaLatencyWarmup after the consumer got its first event
	// (it has joined its group and the clients are warm) and lasts
	// kafkaLatencyFor.
	interval := time.Second / kafkaLatencyRate
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Value
	var from time.Time
	total := 0
	for i := 0; ; i++ {
		if from.IsZero() && d.seen.Load() > 0 {
			from = time.Now().Add(kafkaLatencyWarmup)
			d.from.Store(from.UnixNano())
		}
		if !from.IsZero() && time.Since(from) > kafkaLatencyFor {
			total = i
			break
		}
		if time.Since(start) > time.Minute {
			return nil, errors.New("the consumer got nothing for a minute")
		}
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		wg.Go(func() {
			o := b.order(i)
			o.SentAt = time.Now().UnixNano()
			if err := publish(ctx, i, o); err != nil {
				failed.CompareAndSwap(nil, err)
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for d.seen.Load() < int64(total) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("consumed %d of %d events", d.seen.Load(), total)
		}
		select {
		case err := <-consumed:
			return nil, fmt.Errorf("consumer ended: %v", err)
		default:
		}
		time.Sleep(10 * time.Millisecond)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.d, nil
}

// rawLatencyConsumer consumes the topic with franz-go until ctx ends.
func (b *kafkaBench) rawLatencyConsumer(ctx context.Context, topic string, d *delays) error {
	cl, err := rawConsumer(b.brokers, fmt.Sprintf("bench-latency-raw-%d", b.round.Add(1)), topic)
	if err != nil {
		return err
	}
	defer cl.Close()
	for {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err := fetches.Err0(); err != nil {
			return err
		}
		var ferr error
		fetches.EachRecord(func(r *kgo.Record) {
			o, err := rawDecode(r)
			if err != nil {
				ferr = err
				return
			}
			d.add(&o)
			cl.MarkCommitRecords(r)
		})
		if ferr != nil {
			return ferr
		}
	}
}

// hexkitLatencyConsumer runs a subscriber with a typed handler on the
// topic; stop ends it and waits.
func (b *kafkaBench) hexkitLatencyConsumer(ctx context.Context, topic string, d *delays) (stop func(), err error) {
	client, err := kafka.Open(ctx, b.config())
	if err != nil {
		return nil, err
	}
	router := events.NewRouter()
	events.Handle(router, topic, func(_ context.Context, dl events.Delivery[benchOrder]) error {
		d.add(&dl.Event)
		return nil
	})
	sub, err := kafka.NewSubscriber(client, fmt.Sprintf("bench-latency-hexkit-%d", b.round.Add(1)), router,
		events.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		_ = client.Close(ctx)
		return nil, err
	}
	runCtx, cancel := context.WithCancel(hexkit.WithCorrelationID(ctx, b.cid))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sub.Run(runCtx)
	}()
	return func() {
		cancel()
		<-done
		_ = client.Close(context.WithoutCancel(ctx))
	}, nil
}
