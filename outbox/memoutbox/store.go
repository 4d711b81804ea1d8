package memoutbox

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox/driver"
)

// EventStore is the in-memory store of persistent publishers' events. It is
// safe for concurrent use.
type EventStore struct {
	mu     sync.Mutex
	events map[string]*driver.Event
}

// NewEventStore returns an empty event store for [NewPersistentPublisher].
// Publishers of several topics may share it.
func NewEventStore() *EventStore { return &EventStore{events: map[string]*driver.Event{}} }

// Init does nothing: the in-memory store needs no indexes.
func (s *EventStore) Init(context.Context) error { return nil }

// Put stores a copy of e as pending, replacing the event with the same
// compaction key.
func (s *EventStore) Put(ctx context.Context, e *driver.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cp := clone(e)
	cp.Published = false
	cp.Stamp = events.NewEventID()
	e.Stamp = cp.Stamp
	s.mu.Lock()
	s.events[cp.CompactionKey] = cp
	s.mu.Unlock()
	return nil
}

// Events returns copies of the stored events in the order of
// driver.EventStore.Events.
func (s *EventStore) Events(ctx context.Context, after *driver.EventPosition, all bool, limit int) ([]driver.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	var out []driver.Event
	for _, e := range s.events {
		if !all && e.Published {
			continue
		}
		if after != nil && compare(e.Created, e.CompactionKey, after.Created, after.CompactionKey) <= 0 {
			continue
		}
		out = append(out, *clone(e))
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b driver.Event) int {
		return compare(a.Created, a.CompactionKey, b.Created, b.CompactionKey)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func compare(t1 time.Time, k1 string, t2 time.Time, k2 string) int {
	if c := t1.Compare(t2); c != 0 {
		return c
	}
	return cmp.Compare(k1, k2)
}

// MarkPublished marks the events that still carry the marks' stamps as
// published.
func (s *EventStore) MarkPublished(ctx context.Context, marks []driver.Mark) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, mk := range marks {
		key, _ := mk.ID.Interface().(string)
		if e, ok := s.events[key]; ok && e.Stamp == mk.Stamp && !e.Published {
			e.Published, e.EventID = true, mk.EventID
			n++
		}
	}
	return n, nil
}

// MarkAllPending marks the stored events of topic (every topic when "")
// pending again.
func (s *EventStore) MarkAllPending(ctx context.Context, topic string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stamp := events.NewEventID()
	var n int64
	for _, e := range s.events {
		if topic == "" || e.Topic == topic {
			e.Published, e.Stamp = false, stamp
			n++
		}
	}
	return n, nil
}

func clone(e *driver.Event) *driver.Event {
	cp := *e
	cp.Headers = maps.Clone(e.Headers)
	cp.Payload = slices.Clone(e.Payload)
	return &cp
}

// Lease is an in-memory relay lease. Relays built on one Lease (in one
// process) take turns as relays of several instances do.
type Lease struct {
	mu     sync.Mutex
	leases map[string]holder
	now    func() time.Time
}

type holder struct {
	owner string
	until time.Time
}

// NewLease returns a lease free to take, for [NewRelayWithLease].
func NewLease() *Lease { return &Lease{leases: map[string]holder{}, now: time.Now} }

// Acquire takes or renews the lease name for owner, see driver.Lease.
func (l *Lease) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	h, ok := l.leases[name]
	if ok && h.owner != owner && now.Before(h.until) {
		return false, nil
	}
	l.leases[name] = holder{owner: owner, until: now.Add(ttl)}
	return true, nil
}

// Release gives up the lease name if owner holds it.
func (l *Lease) Release(ctx context.Context, name, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if h, ok := l.leases[name]; ok && h.owner == owner {
		delete(l.leases, name)
	}
	return nil
}
