package outboxfault

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/dao"
)

// record is the document the tests write: Seq is the number of the
// change that wrote it (1 for the first change of its id), so a consumer
// can tell whether the events of one id come in the order of its writes.
type record struct {
	ID   string `json:"id"`
	Seq  int    `json:"seq"`
	Body string `json:"body"`
}

// op is the kind of one change.
type op int

const (
	opInsert op = iota
	opUpdate
	opUpsert
	opDelete
)

func (o op) String() string { return [...]string{"insert", "update", "upsert", "delete"}[o] }

// schedule is a fixed sequence of ids*rounds changes: round r writes
// change number r+1 of every id, ids in order. Every change alters what
// Find returns for its id (a higher Seq, or the document appearing or
// disappearing), and an id is deleted at most once, so the stored
// documents tell how many changes were applied (see [schedule.resume]).
type schedule struct {
	ids, rounds int
}

// The schedules of the fault tests.
var (
	// killSchedule is the work of the writer process that is killed:
	// 20,000 changes over 200 ids, or over HEXKIT_OUTBOXFAULT_IDS ids.
	killSchedule = killScheduleOf(os.Getenv(idsEnv))
	// brokerSchedule is the work of the writer while the broker is down:
	// 3,000 changes over 300 ids.
	brokerSchedule = schedule{ids: 300, rounds: 10}
)

// idsEnv sets the number of ids of the killed writer's 20,000 changes
// (a divisor of 20,000 from 20 to 2,000). The default, 200, keeps the
// test within three minutes on FerretDB v1 (SQLite), which reads and
// parses every document of the collection for each update, even one by
// id: with 2,000 ids each change costs ten times as much and the test
// runs for about a quarter of an hour.
const idsEnv = "HEXKIT_OUTBOXFAULT_IDS"

// killScheduleOf returns the killed writer's schedule over ids ids (200
// when empty or invalid).
func killScheduleOf(ids string) schedule {
	const changes = 20000
	n, err := strconv.Atoi(ids)
	if err != nil || n < 20 || n > 2000 || changes%n != 0 {
		n = 200
	}
	return schedule{ids: n, rounds: changes / n}
}

// change is one step of a schedule.
type change struct {
	idx, seq int
	op       op
}

func (s schedule) total() int { return s.ids * s.rounds }

func (s schedule) id(idx int) string { return fmt.Sprintf("id-%05d", idx) }

// at returns change number k (from 0).
func (s schedule) at(k int) change {
	r, idx := k/s.ids, k%s.ids
	return change{idx: idx, seq: r + 1, op: s.op(idx, r)}
}

// deleteRound returns the round in which idx is deleted, or -1. Every
// seventh id is deleted in the middle and stored again (an upsert) in the
// next round; some others are deleted by their last change.
func (s schedule) deleteRound(idx int) int {
	switch {
	case idx%7 == 0 && s.rounds >= 5:
		return 1 + idx%(s.rounds-3)
	case idx%11 == 5:
		return s.rounds - 1
	}
	return -1
}

func (s schedule) op(idx, r int) op {
	d := s.deleteRound(idx)
	switch {
	case r == 0 && idx%10 == 3:
		return opUpsert // created by an upsert
	case r == 0:
		return opInsert
	case r == d:
		return opDelete
	case d >= 0 && r == d+1:
		return opUpsert // stored again after its deletion
	case (idx+r)%6 == 0:
		return opUpsert
	}
	return opUpdate
}

// deleteSeq is the Seq of the change that deletes idx, or -1.
func (s schedule) deleteSeq(idx int) int {
	if d := s.deleteRound(idx); d >= 0 {
		return d + 1
	}
	return -1
}

// doc is the document change c stores.
func (s schedule) doc(c change) record {
	id := s.id(c.idx)
	return record{ID: id, Seq: c.seq, Body: fmt.Sprintf("%s change %d (%s) %s", id, c.seq, c.op, strings.Repeat("x", c.idx%64))}
}

// state is what Find shows of one id: 0 when absent (never written or
// deleted), else the Seq of its document.
type state int

// after returns the state of c's id once c is applied.
func (c change) after() state {
	if c.op == opDelete {
		return 0
	}
	return state(c.seq)
}

// final returns every id's state after the whole schedule.
func (s schedule) final() []state {
	st := make([]state, s.ids)
	for k := range s.total() {
		c := s.at(k)
		st[c.idx] = c.after()
	}
	return st
}

// resume returns how many changes of the schedule have been applied when
// Find shows got: the one k whose prefix leaves exactly that state. It
// fails when no prefix or several do.
func (s schedule) resume(got []state) (int, error) {
	want := make([]state, s.ids) // the state after the first k changes
	diff := 0
	for i := range got {
		if got[i] != 0 {
			diff++
		}
	}
	found := -1
	for k := 0; ; k++ {
		if diff == 0 {
			if found >= 0 {
				return 0, fmt.Errorf("the stored state matches %d and %d changes applied", found, k)
			}
			found = k
		}
		if k == s.total() {
			break
		}
		c := s.at(k)
		before := want[c.idx] != got[c.idx]
		want[c.idx] = c.after()
		if after := want[c.idx] != got[c.idx]; before != after {
			if after {
				diff++
			} else {
				diff--
			}
		}
	}
	if found < 0 {
		return 0, errors.New("the stored state is not the state after any prefix of the schedule")
	}
	return found, nil
}

// stored reads every id's state from d.
func (s schedule) stored(ctx context.Context, d dao.DAO[record, string]) ([]state, error) {
	st := make([]state, s.ids)
	for doc, err := range d.Find(ctx, dao.All[record]()) {
		if err != nil {
			return nil, err
		}
		var idx int
		if _, err := fmt.Sscanf(doc.ID, "id-%d", &idx); err != nil || idx < 0 || idx >= s.ids || s.id(idx) != doc.ID {
			return nil, fmt.Errorf("stored document with unexpected id %q", doc.ID)
		}
		if want := s.doc(change{idx: idx, seq: doc.Seq, op: s.op(idx, doc.Seq-1)}); doc != want {
			return nil, fmt.Errorf("stored document %+v, want %+v", doc, want)
		}
		st[idx] = state(doc.Seq)
	}
	return st, nil
}

// apply writes change c through d.
func (s schedule) apply(ctx context.Context, d dao.DAO[record, string], c change) error {
	var err error
	switch doc := s.doc(c); c.op {
	case opInsert:
		err = d.Insert(ctx, doc)
	case opUpdate:
		_, err = d.Update(ctx, doc)
	case opUpsert:
		_, err = d.Upsert(ctx, doc)
	case opDelete:
		err = d.Delete(ctx, doc.ID)
	}
	if err != nil {
		return fmt.Errorf("change %d of %s (%s): %w", c.seq, s.id(c.idx), c.op, err)
	}
	return nil
}

// TestScheduleStatesAreDistinct checks what resume relies on: no two
// prefixes of the schedules the fault tests use leave the same state, every
// kind of change occurs, and resume finds every prefix.
func TestScheduleStatesAreDistinct(t *testing.T) {
	for _, s := range []schedule{killSchedule, killScheduleOf("2000"), killScheduleOf("20"), brokerSchedule, {ids: 13, rounds: 6}} {
		seed := maphash.MakeSeed()
		h := func(idx int, st state) uint64 { return maphash.Comparable(seed, [2]int{idx, int(st)}) }
		cur := make([]state, s.ids)
		var sum uint64 // the sum of h over all ids: changes by one term per change
		for idx := range s.ids {
			sum += h(idx, 0)
		}
		seen := map[uint64]int{sum: 0}
		ops := map[op]int{}
		for k := range s.total() {
			c := s.at(k)
			ops[c.op]++
			if c.after() == cur[c.idx] {
				t.Fatalf("%+v: change %d (%+v) leaves its id as it was", s, k, c)
			}
			sum += h(c.idx, c.after()) - h(c.idx, cur[c.idx])
			cur[c.idx] = c.after()
			if prev, ok := seen[sum]; ok {
				t.Fatalf("%+v: the states after %d and %d changes are the same", s, prev, k+1)
			}
			seen[sum] = k + 1
		}
		if len(ops) != 4 {
			t.Errorf("%+v: operations %v, want all four kinds", s, ops)
		}
		for _, k := range []int{0, 1, s.ids - 1, s.ids, s.total()/2 + 1, s.total() - 1, s.total()} {
			st := make([]state, s.ids)
			for i := range k {
				c := s.at(i)
				st[c.idx] = c.after()
			}
			if got, err := s.resume(st); err != nil || got != k {
				t.Errorf("%+v: resume(state after %d changes) = %d, %v", s, k, got, err)
			}
		}
		bad := s.final()
		bad[0] = 999
		if _, err := s.resume(bad); err == nil {
			t.Errorf("%+v: resume accepted a state no prefix leaves", s)
		}
	}
}
