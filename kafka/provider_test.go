package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/internal/testenv"
	"github.com/hexkit-go/hexkit/kafka"
	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

func TestRoundTrip(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "roundtrip", 3)
		pub := b.Sender(t)

		const n = 200
		var msgs []*events.Message
		for i := range n {
			m := msg(topic, fmt.Sprintf("key-%d", i%7), "counted", fmt.Sprintf(`{"n":%d}`, i))
			if i%2 == 0 {
				m.Headers = map[string]string{"tenant": "t1", "seq": fmt.Sprint(i)}
			}
			msgs = append(msgs, m)
		}
		send(t, ctx, pub, msgs[:n/2]...)
		c := newCollector()
		startSubscriber(t, b.Config(topic+"-svc"), []string{topic}, c)
		send(t, ctx, pub, msgs[n/2:]...)
		got := c.waitN(t, ctx, n)

		byID := map[string]*events.Message{}
		lastByKey := map[string]int{}
		for _, g := range got {
			byID[g.EventID] = g
		}
		for i, m := range msgs {
			g := byID[m.EventID]
			if g == nil {
				t.Fatalf("message %d (%s) not delivered", i, m.EventID)
			}
			if g.Timestamp.IsZero() {
				t.Errorf("message %d delivered without a timestamp", i)
			}
			if diff := cmp.Diff(m, g, cmpopts.IgnoreFields(events.Message{}, "Timestamp"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("message %d changed on the way (-sent +delivered):\n%s", i, diff)
			}
		}
		// Per key, delivery order is publish order.
		pos := map[string]int{}
		for i, m := range msgs {
			pos[m.EventID] = i
		}
		for _, g := range got {
			if last, ok := lastByKey[g.Key]; ok && pos[g.EventID] < last {
				t.Fatalf("key %s: message %d delivered after message %d", g.Key, pos[g.EventID], last)
			}
			lastByKey[g.Key] = pos[g.EventID]
		}
	})
}

func TestSendValidatesBeforeSending(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "validate", 1)
		pub := b.Sender(t)
		good := msg(topic, "k1", "ok", `{"a":1}`)
		badKey := msg(topic, "ключ", "ok", `{}`)
		badHeader := msg(topic, "k2", "ok", `{}`)
		badHeader.Headers = map[string]string{"type": "reserved"}
		var err error
		b.ExpectEvents(t, topic, func() {
			err = pub.Send(ctx, good, badKey, nil, badHeader)
		}, kafkatest.Expected{Type: "ok", Key: "k1", Payload: `{"a": 1}`})
		var be *events.BatchError
		if !errors.As(err, &be) || len(be.Errs) != 4 {
			t.Fatalf("Send = %v, want a BatchError for 4 messages", err)
		}
		if be.Errs[0] != nil {
			t.Errorf("valid message failed: %v", be.Errs[0])
		}
		for _, i := range []int{1, 2, 3} {
			if !errors.Is(be.Errs[i], events.ErrInvalidMessage) {
				t.Errorf("message %d: error %v does not wrap ErrInvalidMessage", i, be.Errs[i])
			}
		}
	})
}

func TestSendToMissingTopic(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		pub := b.Sender(t)
		err := pub.Send(ctx, msg("no-such-topic-"+events.NewEventID(), "k", "t", `{}`))
		if !errors.Is(err, events.ErrTopicNotFound) {
			t.Fatalf("Send to a missing topic = %v, want ErrTopicNotFound", err)
		}
	})
}

func TestSendAfterClose(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "closed", 1)
		c := open(t, b.Config(""))
		pub, err := kafka.NewSender(c)
		if err != nil {
			t.Fatal(err)
		}
		send(t, ctx, pub, msg(topic, "k", "t", `{}`))
		if err := c.Close(ctx); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := c.Close(ctx); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if err := pub.Send(ctx, msg(topic, "k", "t", `{}`)); !errors.Is(err, events.ErrClosed) {
			t.Fatalf("Send after Close = %v, want ErrClosed", err)
		}
	})
}

func TestSendContextCanceled(t *testing.T) {
	b := kafkatest.NewFake(t)
	topic := b.Topic(t, "ctx", 1)
	pub := b.Sender(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := pub.Send(ctx, msg(topic, "k", "t", `{}`)); err != context.Canceled {
		t.Fatalf("Send with a canceled context = %v, want context.Canceled unwrapped", err)
	}
}

func TestRedeliveryAfterHandlerError(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "redeliver", 1)
		pub := b.Sender(t)
		msgs := []*events.Message{msg(topic, "k", "t", `{"n":0}`), msg(topic, "k", "t", `{"n":1}`), msg(topic, "k", "t", `{"n":2}`)}
		send(t, ctx, pub, msgs...)
		var failures atomic.Int32
		var hookErrs atomic.Int32
		c := newCollector()
		c.until = func(m *events.Message) error {
			if m.EventID == msgs[1].EventID && failures.Add(1) <= 2 {
				return errors.New("transient")
			}
			return nil
		}
		startSubscriber(t, b.Config(topic+"-svc"), []string{topic}, c,
			events.WithErrorHook(func(_ context.Context, err error) {
				var he *kafka.HandlerError
				if errors.As(err, &he) && he.Offset == 1 && he.Message.EventID == msgs[1].EventID {
					hookErrs.Add(1)
				}
			}))
		got := c.waitN(t, ctx, 3)
		var ids []string
		for _, g := range got {
			ids = append(ids, g.EventID)
		}
		want := []string{msgs[0].EventID, msgs[1].EventID, msgs[2].EventID}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Fatalf("handled order (-want +got):\n%s", diff)
		}
		if f := failures.Load(); f != 3 {
			t.Errorf("failing message was tried %d times, want 3", f)
		}
		if h := hookErrs.Load(); h != 2 {
			t.Errorf("error hook saw %d failures, want 2", h)
		}
	})
}

// TestResumeFromCommit stops a subscriber after some messages and starts
// another member of the same group: nothing is lost, and what the first
// one handled is not handled again.
func TestResumeFromCommit(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "resume", 2)
		pub := b.Sender(t)
		cfg := b.Config(topic + "-svc")
		var first []*events.Message
		for i := range 50 {
			first = append(first, msg(topic, fmt.Sprint("k", i%5), "t", `{}`))
		}
		send(t, ctx, pub, first...)
		c1 := newCollector()
		stop := startSubscriber(t, cfg, []string{topic}, c1)
		c1.waitN(t, ctx, len(first))
		stop()

		var second []*events.Message
		for i := range 50 {
			second = append(second, msg(topic, fmt.Sprint("k", i%5), "t", `{}`))
		}
		send(t, ctx, pub, second...)
		c2 := newCollector()
		startSubscriber(t, cfg, []string{topic}, c2)
		got := c2.waitN(t, ctx, len(second))
		old := map[string]bool{}
		for _, m := range first {
			old[m.EventID] = true
		}
		seen := map[string]bool{}
		for _, g := range got {
			if old[g.EventID] {
				t.Errorf("message %s was handled and committed before, yet delivered again", g.EventID)
			}
			seen[g.EventID] = true
		}
		for _, m := range second {
			if !seen[m.EventID] {
				t.Errorf("message %s lost", m.EventID)
			}
		}
	})
}

// TestMalformedRecords writes records a foreign producer might: no
// headers at all and an invalid event id with a non-ASCII header value
// (delivered as they are, for the handler to judge), and a duplicated
// reserved header (the one *RecordError, retried, never committed or
// skipped).
func TestMalformedRecords(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "malformed", 1)
		raw, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		id := events.NewEventID()
		recs := []*kgo.Record{
			{Topic: topic, Key: []byte("bare"), Value: []byte(`{"bare":true}`)},
			{Topic: topic, Key: []byte("odd"), Value: []byte(`{}`), Headers: []kgo.RecordHeader{
				{Key: "type", Value: []byte("t")}, {Key: "event_id", Value: []byte("not an id")}, {Key: "note", Value: []byte("é")}}},
			{Topic: topic, Key: []byte("dup"), Value: []byte(`{}`), Headers: []kgo.RecordHeader{
				{Key: "type", Value: []byte("a")}, {Key: "type", Value: []byte("b")}, {Key: "event_id", Value: []byte(id)}}},
			{Topic: topic, Key: []byte("after"), Value: []byte(`{}`)},
		}
		if err := raw.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
		recordErrs := make(chan error, 100)
		c := newCollector()
		stop := startSubscriber(t, b.Config(topic+"-svc"), []string{topic}, c,
			events.WithErrorHook(func(_ context.Context, err error) {
				select {
				case recordErrs <- err:
				default:
				}
			}))
		got := c.waitN(t, ctx, 2)
		if got[0].Key != "bare" || got[0].Type != "" || got[0].EventID != "" || string(got[0].Payload) != `{"bare":true}` {
			t.Errorf("record without headers delivered as %+v", got[0])
		}
		if got[1].Key != "odd" || got[1].EventID != "not an id" || got[1].Headers["note"] != "é" {
			t.Errorf("record with an invalid event id and a non-ASCII header delivered as %+v, want it as it is", got[1])
		}
		for range 2 { // the duplicate is reported on every attempt
			select {
			case err := <-recordErrs:
				var re *kafka.RecordError
				if !errors.As(err, &re) || re.Offset != 2 || !errors.Is(err, events.ErrInvalidMessage) {
					t.Fatalf("error hook got %v, want a RecordError at offset 2 wrapping ErrInvalidMessage", err)
				}
			case <-ctx.Done():
				t.Fatal("no error reported for the record with a duplicated header")
			}
		}
		stop()
		c.mu.Lock()
		n := len(c.got)
		c.mu.Unlock()
		if n != 2 {
			t.Fatalf("handled %d messages, want 2: the record after the malformed one must wait", n)
		}
		// Committed: offset 2 (the malformed record is next).
		adm := kafkatestAdmin(t, b)
		offs, err := adm.FetchOffsets(ctx, topic+"-svc")
		if err != nil {
			t.Fatal(err)
		}
		if o, ok := offs.Lookup(topic, 0); !ok || o.At != 2 {
			t.Fatalf("committed offset = %+v (found %v), want 2", o, ok)
		}
	})
}

func TestKeyConcurrency(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *kafkatest.Broker) {
		ctx := testContext(t)
		topic := b.Topic(t, "lanes", 1)
		pub := b.Sender(t)
		var msgs []*events.Message
		for i := range 300 {
			key := fmt.Sprint("k", i%10)
			if i%10 == 0 {
				key = "" // a key like any other: its events keep their order too
			}
			msgs = append(msgs, msg(topic, key, "t", fmt.Sprintf(`{"n":%d}`, i)))
		}
		send(t, ctx, pub, msgs...)
		var running, peak atomic.Int32
		c := newCollector()
		c.until = func(*events.Message) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			return nil
		}
		startSubscriber(t, b.Config(topic+"-svc"), []string{topic}, c, kafka.WithKeyConcurrency(4))
		got := c.waitN(t, ctx, len(msgs))
		pos := map[string]int{}
		for i, m := range msgs {
			pos[m.EventID] = i
		}
		last := map[string]int{}
		for _, g := range got {
			if l, ok := last[g.Key]; ok && pos[g.EventID] < l {
				t.Fatalf("key %q out of order", g.Key)
			}
			last[g.Key] = pos[g.EventID]
		}
		if peak.Load() < 2 {
			t.Logf("peak concurrency %d (scheduling on a busy machine may serialize lanes)", peak.Load())
		}
	})
}

func TestSubscriberOptionsValidated(t *testing.T) {
	cl, err := kgo.NewClient(kgo.SeedBrokers("127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	c, err := kafka.New(cl)
	if err != nil {
		t.Fatal(err)
	}
	h := events.MessageHandlerFunc(func(context.Context, *events.Message) error { return nil })
	tests := []struct {
		name  string
		group string
		h     events.MessageHandler
		opts  []events.SubscriberOption
	}{
		{"no group", "", h, []events.SubscriberOption{events.WithTopics("topic")}},
		{"nil handler", "svc", nil, []events.SubscriberOption{events.WithTopics("topic")}},
		{"bad backoff", "svc", h, []events.SubscriberOption{events.WithTopics("topic"), events.WithRetryBackoff(time.Second, time.Millisecond)}},
		{"zero backoff", "svc", h, []events.SubscriberOption{events.WithTopics("topic"), events.WithRetryBackoff(0, time.Millisecond)}},
		{"no topics", "svc", h, nil},
		{"invalid topic", "svc", h, []events.SubscriberOption{events.WithTopics("bad topic ä")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := kafka.NewSubscriber(c, tt.group, tt.h, tt.opts...); !errors.Is(err, kafka.ErrInvalidConfig) || !errors.Is(err, events.ErrInvalidOption) {
				t.Fatalf("NewSubscriber = %v, want ErrInvalidConfig and events.ErrInvalidOption", err)
			}
		})
	}
	if _, err := kafka.NewSubscriber(nil, "svc", h, events.WithTopics("topic")); !errors.Is(err, kafka.ErrInvalidConfig) {
		t.Fatalf("NewSubscriber(nil client) = %v, want ErrInvalidConfig", err)
	}
	if _, err := kafka.Open(context.Background(), kafka.Config{Brokers: []string{"x:1"}, Compression: "brotli"}); !errors.Is(err, kafka.ErrInvalidConfig) {
		t.Fatalf("Open with a bad compression = %v, want ErrInvalidConfig", err)
	}
	if _, err := kafka.New(cl, kafka.WithKeyConcurrency(0)); !errors.Is(err, kafka.ErrInvalidConfig) {
		t.Fatalf("New with WithKeyConcurrency(0) = %v, want ErrInvalidConfig", err)
	}
}

// TestTopicRuleMatchesBroker checks events.ValidateTopic against the real
// broker: every name the rule refuses, the broker refuses to create, and
// the names it accepts at the edges (the longest, every allowed character)
// the broker creates.
func TestTopicRuleMatchesBroker(t *testing.T) {
	t.Parallel()
	b := kafkatest.Connect(t, testenv.KafkaBrokers(t)...)
	adm := kafkatestAdmin(t, b)
	ctx := testContext(t)
	for _, name := range []string{strings.Repeat("t", events.MaxTopicLen+1), ".", "..", "with space", "a/b", "a:b",
		"a,b", "a\\b", "a*b", "tö", "a\x00b", "a#b"} {
		if events.ValidateTopic(name) == nil {
			t.Errorf("ValidateTopic(%q) = nil, want a refusal", name)
		}
		resp, err := adm.CreateTopic(ctx, 1, -1, nil, name)
		if err == nil {
			err = resp.Err
		}
		if err == nil {
			_, _ = adm.DeleteTopics(ctx, name)
			t.Errorf("the broker created topic %q, which events.ValidateTopic refuses", name)
		}
	}
	base := testenv.UniqueName(t, "Rule") + "-Az09._"
	for _, name := range []string{base, base + strings.Repeat("x", events.MaxTopicLen-len(base))} {
		if err := events.ValidateTopic(name); err != nil {
			t.Fatalf("ValidateTopic(%q) = %v", name, err)
		}
		resp, err := adm.CreateTopic(ctx, 1, -1, nil, name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			t.Errorf("the broker refused topic %q (%d characters), which events.ValidateTopic accepts: %v", name, len(name), err)
			continue
		}
		_, _ = adm.DeleteTopics(ctx, name)
	}
	// Names that differ only in '.' versus '_' collide, as memevents'
	// CreateTopic also says.
	dot := testenv.UniqueName(t, "rule") + ".dot"
	under := strings.Replace(dot, ".dot", "_dot", 1)
	if resp, err := adm.CreateTopic(ctx, 1, -1, nil, dot); err != nil || resp.Err != nil {
		t.Fatalf("create %s: %v %v", dot, err, resp.Err)
	}
	defer func() { _, _ = adm.DeleteTopics(context.Background(), dot, under) }()
	resp, err := adm.CreateTopic(ctx, 1, -1, nil, under)
	if err == nil {
		err = resp.Err
	}
	if !errors.Is(kafka.MapErrorForTest(err), events.ErrInvalidMessage) {
		t.Errorf("creating %s next to %s = %v, want a refusal mapped to events.ErrInvalidMessage", under, dot, err)
	}
}
