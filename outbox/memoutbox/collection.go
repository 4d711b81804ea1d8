package memoutbox

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/hexkit-go/hexkit"
	daodriver "github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/dao/memdao"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/outbox/driver"
)

// collection is the in-memory outbox collection: an in-memory DAO
// collection for the live documents plus the publication state of every id,
// tombstones included. mu makes a write and its state one atomic step.
type collection[T any] struct {
	daodriver.Collection
	mu     sync.Mutex
	state  map[string]*meta
	schema *daodriver.Schema // set by the first Init
}

type meta struct {
	id          daodriver.Value
	deleted     bool
	published   bool
	correlation string
	lastEvent   string
	stamp       string
}

func newCollection[T any]() *collection[T] {
	return &collection[T]{Collection: memdao.NewCollection[T](), state: map[string]*meta{}}
}

// Init initializes the collection for its first DAO. The DAOs of several
// instances share one collection as they share a MongoDB collection: a later
// Init with the same schema changes nothing (the documents stay), one with
// another schema is refused.
func (c *collection[T]) Init(ctx context.Context, s daodriver.Schema) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.schema != nil {
		if !reflect.DeepEqual(*c.schema, s) {
			return fmt.Errorf("%w: the shared collection was opened with other options (id, version field or unique indexes)", daodriver.ErrInvalidOption)
		}
		return nil
	}
	if err := c.Collection.Init(ctx, s); err != nil {
		return err
	}
	c.schema = &s
	return nil
}

func (c *collection[T]) pending(ctx context.Context, id daodriver.Value, deleted bool) {
	cid, _ := hexkit.CorrelationID(ctx)
	c.state[id.Key()] = &meta{id: id, deleted: deleted, correlation: cid, stamp: events.NewEventID()}
}

func (c *collection[T]) tombstone(id daodriver.Value) bool {
	m, ok := c.state[id.Key()]
	return ok && m.deleted
}

func (c *collection[T]) Insert(ctx context.Context, id daodriver.Value, doc any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tombstone(id) {
		return fmt.Errorf("%w: id %v (deleted; the id cannot be inserted again)", daodriver.ErrAlreadyExists, id)
	}
	if err := c.Collection.Insert(ctx, id, doc); err != nil {
		return err
	}
	c.pending(ctx, id, false)
	return nil
}

func (c *collection[T]) Replace(ctx context.Context, r daodriver.Replace) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !r.Upsert && c.tombstone(r.ID) {
		return fmt.Errorf("%w: id %v (deleted)", daodriver.ErrNotFound, r.ID)
	}
	if err := c.Collection.Replace(ctx, r); err != nil {
		return err
	}
	c.pending(ctx, r.ID, false)
	return nil
}

func (c *collection[T]) Delete(ctx context.Context, id daodriver.Value) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.Collection.Delete(ctx, id); err != nil {
		return err
	}
	c.pending(ctx, id, true)
	return nil
}

func (c *collection[T]) Changes(ctx context.Context, after *daodriver.Value, all bool, limit int) (driver.ChangeCursor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var ms []*meta
	for _, m := range c.state {
		if (all || !m.published) && (after == nil || daodriver.Compare(m.id, *after) > 0) {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b *meta) int { return daodriver.Compare(a.id, b.id) })
	if len(ms) > limit {
		ms = ms[:limit]
	}
	cur := &changeCursor[T]{at: -1}
	for _, m := range ms {
		ch := driver.Change{ID: m.id, Deleted: m.deleted, Published: m.published, CorrelationID: m.correlation, Stamp: m.stamp}
		var doc *T
		if !m.deleted {
			doc = new(T)
			if err := c.Collection.Get(ctx, m.id, doc); err != nil {
				return nil, err
			}
		}
		cur.changes = append(cur.changes, ch)
		cur.docs = append(cur.docs, doc)
	}
	return cur, nil
}

func (c *collection[T]) MarkPublished(ctx context.Context, marks []driver.Mark) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, mk := range marks {
		if m, ok := c.state[mk.ID.Key()]; ok && m.stamp == mk.Stamp && !m.published {
			m.published, m.lastEvent = true, mk.EventID
			n++
		}
	}
	return n, nil
}

func (c *collection[T]) MarkAllPending(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	stamp := events.NewEventID()
	for _, m := range c.state {
		m.published, m.stamp = false, stamp
	}
	return int64(len(c.state)), nil
}

// changeCursor yields the changes Changes selected, with copies of their
// documents taken under the lock.
type changeCursor[T any] struct {
	changes []driver.Change
	docs    []*T
	at      int
	err     error
}

func (r *changeCursor[T]) Next(ctx context.Context) bool {
	if r.err = ctx.Err(); r.err != nil {
		return false
	}
	r.at++
	return r.at < len(r.changes)
}

func (r *changeCursor[T]) Change() driver.Change { return r.changes[r.at] }

func (r *changeCursor[T]) Decode(doc any) error {
	d := r.docs[r.at]
	if d == nil {
		return fmt.Errorf("%w: a tombstone has no document", daodriver.ErrNotFound)
	}
	*doc.(*T) = *d
	return nil
}

func (r *changeCursor[T]) Err() error { return r.err }

func (r *changeCursor[T]) Close(context.Context) error { return nil }
