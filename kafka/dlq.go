package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// DeadLetterRecord is a dead letter with its place in the DLQ topic.
type DeadLetterRecord struct {
	events.DeadLetter
	Partition int32
	Offset    int64
	// ParseErr is set when the record is not a valid dead letter (it lacks
	// the original_topic or service header, or a reserved header is
	// duplicated): it can be discarded, not replayed.
	ParseErr error
}

// DLQ is an operator's handle on a dead letter queue topic: it previews
// the dead letters that the DLQ's consumer group has not processed yet,
// replays one to its service's retry topic (optionally with a corrected
// payload) or discards it. Processing a dead letter commits the group's
// offset past it. The group must have no running members (it is the
// operator's, not a service's); its committed offsets are where the
// operator stopped last time.
type DLQ struct {
	c     *Client
	cl    *kgo.Client
	adm   *kadm.Client
	pub   events.Sender
	topic string
	group string
}

// NewDLQ returns a handle on the DLQ topic (usually
// events.DefaultDLQTopic) for the consumer group group (the operator's,
// for example "dlq-tool"), working through c. An empty group or an invalid
// topic fails with [ErrInvalidConfig].
func NewDLQ(c *Client, group, topic string) (*DLQ, error) {
	if c == nil {
		return nil, configErr("NewDLQ: nil *Client")
	}
	if err := events.ValidateTopic(topic); err != nil {
		return nil, fmt.Errorf("%w: DLQ topic: %w", ErrInvalidConfig, err)
	}
	if group == "" {
		return nil, configErr("a DLQ handle needs a consumer group")
	}
	pub, err := NewSender(c)
	if err != nil {
		return nil, err
	}
	return &DLQ{c: c, cl: c.cl, adm: c.adm, pub: pub, topic: topic, group: group}, nil
}

// next returns, per partition, the next unprocessed offset and the end
// offset, for partitions that hold unprocessed records.
func (d *DLQ) next(ctx context.Context) (map[int32][2]int64, error) {
	committed, err := d.adm.FetchOffsetsForTopics(ctx, d.group, d.topic)
	if err == nil {
		err = committed.Error()
	}
	if errors.Is(err, kerr.GroupIDNotFound) { // a group that never committed (some brokers say so)
		committed, err = nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	starts, err := d.adm.ListStartOffsets(ctx, d.topic)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return nil, mapError(err)
	}
	ends, err := d.adm.ListEndOffsets(ctx, d.topic)
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		return nil, mapError(err)
	}
	out := map[int32][2]int64{}
	for p, end := range ends[d.topic] {
		from := starts[d.topic][p].Offset
		if c, ok := committed.Lookup(d.topic, p); ok && c.At >= 0 {
			from = max(from, c.At)
		}
		if from < end.Offset {
			out[p] = [2]int64{from, end.Offset}
		}
	}
	return out, nil
}

// Preview returns up to n unprocessed dead letters, ordered by partition
// and offset, without processing them.
func (d *DLQ) Preview(ctx context.Context, n int) ([]DeadLetterRecord, error) {
	if n < 1 {
		return nil, fmt.Errorf("kafka: Preview(%d): need n >= 1", n)
	}
	next, err := d.next(ctx)
	if err != nil || len(next) == 0 {
		return nil, err
	}
	parts := map[string]map[int32]kgo.Offset{d.topic: {}}
	want := map[int32]int64{}
	for p, r := range next {
		parts[d.topic][p] = kgo.NewOffset().At(r[0])
		want[p] = min(int64(n), r[1]-r[0])
	}
	opts := append(slices.Clip(d.cl.Opts()), kgo.ConsumePartitions(parts), kgo.ClientID("hexkit-dlq-preview"))
	d.c.optsMu.Lock()
	rd, err := newClient(opts)
	d.c.optsMu.Unlock()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	got := map[int32][]DeadLetterRecord{}
	for remaining(want, got) {
		fs := rd.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, fe := range fs.Errors() {
			return nil, mapError(fe.Err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if int64(len(got[r.Partition])) < want[r.Partition] {
				got[r.Partition] = append(got[r.Partition], toDeadLetter(r))
			}
		})
	}
	var out []DeadLetterRecord
	for _, p := range slices.Sorted(maps.Keys(got)) {
		out = append(out, got[p]...)
	}
	return out[:min(n, len(out))], nil
}

func remaining(want map[int32]int64, got map[int32][]DeadLetterRecord) bool {
	for p, n := range want {
		if int64(len(got[p])) < n {
			return true
		}
	}
	return false
}

func toDeadLetter(r *kgo.Record) DeadLetterRecord {
	out := DeadLetterRecord{Partition: r.Partition, Offset: r.Offset}
	msgs, errs := decodeBatch([]*kgo.Record{r})
	dl, err := events.ParseDeadLetter((*events.Message)(&msgs[0]))
	out.DeadLetter, out.ParseErr = dl, err
	if errs != nil {
		out.ParseErr = errs[0]
	}
	return out
}

// Replay publishes rec to its service's retry topic (see
// events.RetryMessage), with payload instead of its own when payload is
// not nil, and then marks rec processed. rec must be the next unprocessed
// dead letter of its partition ([ErrNotNext] otherwise). When the publish
// fails nothing is marked; when marking fails after the publish, the
// replayed event may be replayed again later (at least once).
func (d *DLQ) Replay(ctx context.Context, rec DeadLetterRecord, payload []byte) error {
	if rec.ParseErr != nil {
		return fmt.Errorf("kafka: cannot replay offset %d of partition %d: %w", rec.Offset, rec.Partition, rec.ParseErr)
	}
	if err := d.checkNext(ctx, rec); err != nil {
		return err
	}
	if err := d.pub.Send(ctx, events.RetryMessage(rec.DeadLetter, payload)); err != nil {
		return err
	}
	return d.commit(ctx, rec)
}

// Discard marks rec processed without replaying it. rec must be the next
// unprocessed dead letter of its partition ([ErrNotNext] otherwise).
func (d *DLQ) Discard(ctx context.Context, rec DeadLetterRecord) error {
	if err := d.checkNext(ctx, rec); err != nil {
		return err
	}
	return d.commit(ctx, rec)
}

func (d *DLQ) checkNext(ctx context.Context, rec DeadLetterRecord) error {
	next, err := d.next(ctx)
	if err != nil {
		return err
	}
	if r, ok := next[rec.Partition]; !ok || r[0] != rec.Offset {
		return fmt.Errorf("%w: offset %d of partition %d", ErrNotNext, rec.Offset, rec.Partition)
	}
	return nil
}

func (d *DLQ) commit(ctx context.Context, rec DeadLetterRecord) error {
	var os kadm.Offsets
	os.Add(kadm.Offset{Topic: d.topic, Partition: rec.Partition, At: rec.Offset + 1, LeaderEpoch: -1})
	resp, err := d.adm.CommitOffsets(ctx, d.group, os)
	if err == nil {
		err = resp.Error()
	}
	return mapError(err)
}
