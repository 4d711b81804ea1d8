package memdao

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/hexkit-go/hexkit/dao"
)

// DAO is an in-memory [dao.DAO].
type DAO[T any, ID comparable] struct {
	schema *dao.Schema[T, ID]
	mu     sync.RWMutex
	docs   map[ID]*T
}

type assertDoc struct {
	ID string `json:"id"`
}

var _ dao.DAO[assertDoc, string] = (*DAO[assertDoc, string])(nil)

// New returns an empty in-memory DAO. It accepts the same options as every
// provider (dao.WithIDField, dao.WithUnique, dao.WithVersionField) and
// checks T the same way (see [dao.NewSchema]).
func New[T any, ID comparable](opts ...dao.Option) (*DAO[T, ID], error) {
	s, err := dao.NewSchema[T, ID](opts...)
	if err != nil {
		return nil, err
	}
	return &DAO[T, ID]{schema: s, docs: map[ID]*T{}}, nil
}

// Get returns a copy of the document with the given id.
func (d *DAO[T, ID]) Get(ctx context.Context, id ID) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	p, ok := d.docs[id]
	if !ok {
		return zero, fmt.Errorf("%w: id %v", dao.ErrNotFound, id)
	}
	return d.copy(p), nil
}

// copy returns a copy of a stored (already normalized) document.
func (d *DAO[T, ID]) copy(p *T) T {
	out, _ := d.schema.Normalize(p) // stored documents normalize without error
	return out
}

// Insert stores a copy of doc.
func (d *DAO[T, ID]) Insert(ctx context.Context, doc T) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := d.schema.Normalize(&doc)
	if err != nil {
		return err
	}
	id := d.schema.ID(&n)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.docs[id]; ok {
		return fmt.Errorf("%w: id %v", dao.ErrAlreadyExists, id)
	}
	if err := d.checkUnique(&n, id); err != nil {
		return err
	}
	d.docs[id] = &n
	return nil
}

// Update replaces the stored document with doc's id by a copy of doc.
func (d *DAO[T, ID]) Update(ctx context.Context, doc T) error {
	return d.replace(ctx, doc, false)
}

// Upsert replaces or inserts a copy of doc.
func (d *DAO[T, ID]) Upsert(ctx context.Context, doc T) error {
	return d.replace(ctx, doc, true)
}

func (d *DAO[T, ID]) replace(ctx context.Context, doc T, upsert bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := d.schema.Normalize(&doc)
	if err != nil {
		return err
	}
	id := d.schema.ID(&n)
	versioned := d.schema.VersionField() != ""
	d.mu.Lock()
	defer d.mu.Unlock()
	old, ok := d.docs[id]
	switch {
	case !ok && !upsert:
		return fmt.Errorf("%w: id %v", dao.ErrNotFound, id)
	case ok && versioned && d.schema.Version(old) != d.schema.Version(&n):
		return fmt.Errorf("%w: id %v: version %d is not the stored version", dao.ErrConflict, id, d.schema.Version(&n))
	}
	if versioned {
		d.schema.SetVersion(&n, d.schema.Version(&n)+1)
	}
	if err := d.checkUnique(&n, id); err != nil {
		return err
	}
	d.docs[id] = &n
	return nil
}

// checkUnique reports the first unique index that n would share with
// another stored document. Callers hold the write lock.
func (d *DAO[T, ID]) checkUnique(n *T, id ID) error {
	for _, fields := range d.schema.UniqueIndexes() {
		key := d.schema.UniqueKey(n, fields)
		for otherID, other := range d.docs {
			if otherID == id {
				continue
			}
			if slices.EqualFunc(key, d.schema.UniqueKey(other, fields), func(a, b dao.Value) bool { return dao.Compare(a, b) == 0 }) {
				return &dao.UniqueViolationError{Fields: fields}
			}
		}
	}
	return nil
}

// Delete removes the document with the given id.
func (d *DAO[T, ID]) Delete(ctx context.Context, id ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.docs[id]; !ok {
		return fmt.Errorf("%w: id %v", dao.ErrNotFound, id)
	}
	delete(d.docs, id)
	return nil
}

// FindOne returns a copy of the only document matching filter.
func (d *DAO[T, ID]) FindOne(ctx context.Context, filter dao.Filter) (T, error) {
	var zero T
	docs, err := d.find(ctx, filter, dao.Limit(2))
	if err != nil {
		return zero, err
	}
	switch len(docs) {
	case 0:
		return zero, fmt.Errorf("%w: %s", dao.ErrNoHits, filter)
	case 1:
		return docs[0], nil
	}
	return zero, fmt.Errorf("%w: %s", dao.ErrMultipleHits, filter)
}

// Find yields copies of the matching documents. The result is computed
// when the loop starts; later writes do not affect it.
func (d *DAO[T, ID]) Find(ctx context.Context, filter dao.Filter, opts ...dao.FindOption) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		docs, err := d.find(ctx, filter, opts...)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, doc := range docs {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if !yield(doc, nil) {
				return
			}
		}
	}
}

func (d *DAO[T, ID]) find(ctx context.Context, filter dao.Filter, opts ...dao.FindOption) ([]T, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.schema.ValidateFilter(filter); err != nil {
		return nil, err
	}
	q, err := d.schema.Query(opts...)
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	var hits []*T
	for _, p := range d.docs {
		if d.schema.Match(filter, p) {
			hits = append(hits, p)
		}
	}
	slices.SortFunc(hits, func(a, b *T) int { return d.schema.CompareDocs(q, a, b) })
	from := min(q.Skip, int64(len(hits)))
	to := int64(len(hits))
	if q.Limit > 0 {
		to = min(to, from+q.Limit)
	}
	out := make([]T, 0, to-from)
	for _, p := range hits[from:to] {
		out = append(out, d.copy(p))
	}
	d.mu.RUnlock()
	return out, nil
}

// Count returns how many documents match filter.
func (d *DAO[T, ID]) Count(ctx context.Context, filter dao.Filter) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := d.schema.ValidateFilter(filter); err != nil {
		return 0, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	var n int64
	for _, p := range d.docs {
		if d.schema.Match(filter, p) {
			n++
		}
	}
	return n, nil
}
