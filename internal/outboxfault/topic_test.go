package outboxfault

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox"
)

// published is one event of the topic, as a consumer sees it.
type published struct {
	key, typ string
	doc      record // zero for a deletion
}

// readTopic reads every record of topic, partition by partition, up to the
// end offsets it had when called.
func readTopic(ctx context.Context, brokers []string, topic string) ([]published, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		return nil, err
	}
	if err := ends.Error(); err != nil {
		return nil, err
	}
	want := map[int32]int64{}
	offsets := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
			offsets[o.Partition] = kgo.NewOffset().AtStart()
		}
	})
	var out []published
	if len(want) == 0 {
		return out, nil
	}
	cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets})
	var perr error
	for len(want) > 0 && perr == nil {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fetches.Err0(); err != nil {
			return nil, err
		}
		fetches.EachRecord(func(r *kgo.Record) {
			if end, ok := want[r.Partition]; !ok || r.Offset >= end {
				return
			}
			if r.Offset == want[r.Partition]-1 {
				delete(want, r.Partition)
			}
			p, err := decode(r)
			if err != nil && perr == nil {
				perr = fmt.Errorf("partition %d offset %d: %w", r.Partition, r.Offset, err)
			}
			out = append(out, p)
		})
	}
	return out, perr
}

// decode reads one record of an outbox topic.
func decode(r *kgo.Record) (published, error) {
	p := published{key: string(r.Key)}
	for _, h := range r.Headers {
		if h.Key == events.HeaderType {
			p.typ = string(h.Value)
		}
	}
	switch p.typ {
	case outbox.ChangeEventType:
		if err := json.Unmarshal(r.Value, &p.doc); err != nil {
			return p, err
		}
		if p.doc.ID != p.key {
			return p, fmt.Errorf("event of key %q carries document %q", p.key, p.doc.ID)
		}
	case outbox.DeleteEventType:
		if string(r.Value) != "{}" {
			return p, fmt.Errorf("deletion of %q with payload %q, want {}", p.key, r.Value)
		}
	default:
		return p, fmt.Errorf("event of key %q has type %q", p.key, p.typ)
	}
	return p, nil
}

// verdict sums up a topic checked against a schedule.
type verdict struct {
	events     int // records read
	duplicates int // records telling the same state of an id as the one before
	skipped    int // states of an id never published (written again before the relay got to them)
	backwards  int // records older in their id's history than one before them
	lost       int // ids whose last record is not their final state
	foreign    int // records that are no change of the schedule
}

func (v verdict) String() string {
	return fmt.Sprintf("%d events published, %d duplicates, %d intermediate states never published (compacted), %d out of order, %d ids lost, %d foreign events",
		v.events, v.duplicates, v.skipped, v.backwards, v.lost, v.foreign)
}

// check compares the records of a topic with schedule s fully applied.
// Each record is placed in its id's history (the Seq of the change that
// wrote it; for a deletion the Seq of the id's deletion), which must never
// decrease, and the last record of each id must be its final state.
func (s schedule) check(recs []published) verdict {
	v := verdict{events: len(recs)}
	last := map[string]int{} // id -> position of its last record
	lastRec := map[string]published{}
	distinct := 0
	for _, p := range recs {
		var idx int
		if _, err := fmt.Sscanf(p.key, "id-%d", &idx); err != nil || idx < 0 || idx >= s.ids || s.id(idx) != p.key {
			v.foreign++
			continue
		}
		pos := s.deleteSeq(idx)
		if p.typ == outbox.ChangeEventType {
			pos = p.doc.Seq
			c := change{idx: idx, seq: pos, op: s.op(idx, pos-1)}
			if pos < 1 || pos > s.rounds || c.op == opDelete || s.doc(c) != p.doc {
				v.foreign++
				continue
			}
		} else if pos < 0 {
			v.foreign++ // a deletion of an id the schedule never deletes
			continue
		}
		prev, seen := last[p.key]
		switch {
		case seen && pos < prev:
			v.backwards++
		case seen && pos == prev:
			v.duplicates++
		default:
			distinct++
		}
		if !seen || pos >= prev {
			last[p.key] = pos
		}
		lastRec[p.key] = p
	}
	final := s.final()
	for idx, st := range final {
		p, ok := lastRec[s.id(idx)]
		switch {
		case !ok:
			v.lost++
		case st == 0 && p.typ != outbox.DeleteEventType:
			v.lost++
		case st != 0 && (p.typ != outbox.ChangeEventType || p.doc.Seq != int(st)):
			v.lost++
		}
	}
	v.skipped = s.total() - distinct
	return v
}

// expectComplete reads topic and fails t unless every id's final state is
// its last record, no record goes back in its id's history and every record
// is a change of s.
func expectComplete(t *testing.T, brokers []string, topic string, s schedule) verdict {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	recs, err := readTopic(ctx, brokers, topic)
	if err != nil {
		t.Fatalf("reading topic %s: %v", topic, err)
	}
	v := s.check(recs)
	if v.lost != 0 || v.backwards != 0 || v.foreign != 0 {
		t.Errorf("topic %s: %v; want no id lost, none out of order, no foreign event", topic, v)
	}
	return v
}

// TestCheckFindsLostAndReorderedChanges checks the verdict on made-up
// topics: the whole schedule published once, with duplicates, with an id's
// last change missing and with two events of an id swapped.
func TestCheckFindsLostAndReorderedChanges(t *testing.T) {
	s := schedule{ids: 13, rounds: 6}
	var all []published
	for k := range s.total() {
		c := s.at(k)
		p := published{key: s.id(c.idx), typ: outbox.ChangeEventType, doc: s.doc(c)}
		if c.op == opDelete {
			p = published{key: s.id(c.idx), typ: outbox.DeleteEventType}
		}
		all = append(all, p)
	}
	lastOf := func(idx int) int { // position in all of idx's last change
		return (s.rounds-1)*s.ids + idx
	}
	var dup []published // the first 20 events published twice in a row
	for i, p := range all {
		dup = append(dup, p)
		if i < 20 {
			dup = append(dup, p)
		}
	}
	lost := slices.Delete(slices.Clone(all), lastOf(2), lastOf(2)+1)
	swapped := slices.Clone(all)
	swapped[lastOf(4)], swapped[lastOf(4)-s.ids] = swapped[lastOf(4)-s.ids], swapped[lastOf(4)]
	foreign := append(slices.Clone(all), published{key: "other", typ: outbox.DeleteEventType})
	tests := []struct {
		name string
		recs []published
		want verdict
	}{
		{"complete", all, verdict{events: s.total()}},
		{"duplicates", dup, verdict{events: s.total() + 20, duplicates: 20}},
		{"last change lost", lost, verdict{events: s.total() - 1, skipped: 1, lost: 1}},
		{"swapped", swapped, verdict{events: s.total(), skipped: 1, backwards: 1, lost: 1}},
		{"foreign", foreign, verdict{events: s.total() + 1, foreign: 1}},
	}
	for _, tt := range tests {
		if got := s.check(tt.recs); got != tt.want {
			t.Errorf("%s: check = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
