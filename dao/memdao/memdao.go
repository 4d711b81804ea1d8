package memdao

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/dao/internal/schema"
)

// New returns an empty in-memory DAO. It accepts the same options as every
// provider ([dao.WithIDField], [dao.WithUnique], [dao.WithVersionField])
// and checks T and ID the same way (see [dao.New]).
func New[T any, ID comparable](opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
	return dao.New[T, ID](context.Background(), &collection[T]{}, opts...)
}

// collection is the in-memory driver.Collection. It stores normalized
// copies of documents under the key of their id.
type collection[T any] struct {
	s       *schema.Schema
	version *schema.Path // nil without versioning
	mu      sync.RWMutex
	docs    map[string]*T
	unique  []uniqueIndex
}

// uniqueIndex maps the key of a unique index's values to the key of the
// id of the document holding them.
type uniqueIndex struct {
	fields []string
	ids    map[string]string
}

func (c *collection[T]) Init(_ context.Context, sch driver.Schema) error {
	s, err := schema.For(reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	c.s, c.docs = s, map[string]*T{}
	if sch.VersionField != "" {
		if c.version, err = s.Resolve(sch.VersionField); err != nil {
			return fmt.Errorf("%w: %v", driver.ErrInvalidOption, err)
		}
	}
	for _, fields := range sch.Unique {
		c.unique = append(c.unique, uniqueIndex{fields: fields, ids: map[string]string{}})
	}
	return nil
}

// normalize returns a copy of doc as a database returns it.
func (c *collection[T]) normalize(doc *T) (*T, error) {
	out := new(T)
	if err := c.s.Normalize(reflect.ValueOf(out).Elem(), reflect.ValueOf(doc).Elem()); err != nil {
		return nil, err
	}
	return out, nil
}

// copyTo copies a stored (already normalized) document into dst.
func (c *collection[T]) copyTo(dst any, p *T) {
	_ = c.s.Normalize(reflect.ValueOf(dst).Elem(), reflect.ValueOf(p).Elem()) // stored documents normalize without error
}

func (c *collection[T]) Get(_ context.Context, id driver.Value, doc any) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.docs[id.Key()]
	if !ok {
		return fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
	}
	c.copyTo(doc, p)
	return nil
}

func (c *collection[T]) Insert(_ context.Context, id driver.Value, doc any) error {
	n, err := c.normalize(doc.(*T))
	if err != nil {
		return err
	}
	key := id.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[key]; ok {
		return fmt.Errorf("%w: id %v", driver.ErrAlreadyExists, id)
	}
	if err := c.checkUnique(n, key); err != nil {
		return err
	}
	c.store(key, n)
	return nil
}

func (c *collection[T]) Replace(_ context.Context, r driver.Replace) error {
	n, err := c.normalize(r.Doc.(*T))
	if err != nil {
		return err
	}
	key := r.ID.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.docs[key]
	switch {
	case !ok && !r.Upsert:
		return fmt.Errorf("%w: id %v", driver.ErrNotFound, r.ID)
	case ok && r.Versioned && !c.hasVersion(old, r.Version):
		return fmt.Errorf("%w: id %v: version %d is not the stored version", driver.ErrConflict, r.ID, r.Version)
	}
	if err := c.checkUnique(n, key); err != nil {
		return err
	}
	c.store(key, n)
	return nil
}

func (c *collection[T]) hasVersion(doc *T, version int64) bool {
	v, _ := c.s.Lookup(reflect.ValueOf(doc).Elem(), c.version)
	return driver.Compare(v, driver.IntValue(version)) == 0
}

// checkUnique reports the first unique index that n would share with
// another stored document. Callers hold the write lock.
func (c *collection[T]) checkUnique(n *T, key string) error {
	for _, u := range c.unique {
		if other, ok := u.ids[c.uniqueKey(n, u.fields)]; ok && other != key {
			return &driver.UniqueViolationError{Fields: slices.Clone(u.fields)}
		}
	}
	return nil
}

// store puts n under key and updates the unique indexes. Callers hold the
// write lock and have called checkUnique.
func (c *collection[T]) store(key string, n *T) {
	c.remove(key)
	c.docs[key] = n
	for _, u := range c.unique {
		u.ids[c.uniqueKey(n, u.fields)] = key
	}
}

// remove deletes the document under key, if any, and its unique index
// entries. Callers hold the write lock.
func (c *collection[T]) remove(key string) {
	old, ok := c.docs[key]
	if !ok {
		return
	}
	for _, u := range c.unique {
		delete(u.ids, c.uniqueKey(old, u.fields))
	}
	delete(c.docs, key)
}

func (c *collection[T]) uniqueKey(doc *T, fields []string) string {
	var b strings.Builder
	for _, v := range c.s.UniqueKey(reflect.ValueOf(doc).Elem(), fields) {
		k := v.Key()
		b.WriteString(strconv.Itoa(len(k)))
		b.WriteByte(':')
		b.WriteString(k)
	}
	return b.String()
}

func (c *collection[T]) Delete(_ context.Context, id driver.Value) error {
	key := id.Key()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.docs[key]; !ok {
		return fmt.Errorf("%w: id %v", driver.ErrNotFound, id)
	}
	c.remove(key)
	return nil
}

// Find computes the whole result at once; later writes do not change it.
func (c *collection[T]) Find(_ context.Context, q driver.Query) (driver.Cursor, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var hits []*T
	for _, p := range c.docs {
		if c.s.Match(q.Filter, reflect.ValueOf(p).Elem()) {
			hits = append(hits, p)
		}
	}
	slices.SortFunc(hits, func(a, b *T) int {
		return c.s.CompareDocs(q.Sort, reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem())
	})
	from := min(q.Skip, int64(len(hits)))
	to := int64(len(hits))
	if q.Limit > 0 && q.Limit < to-from {
		to = from + q.Limit
	}
	return &cursor[T]{c: c, docs: slices.Clone(hits[from:to]), at: -1}, nil
}

func (c *collection[T]) Count(_ context.Context, f driver.Filter) (int64, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var n int64
	for _, p := range c.docs {
		if c.s.Match(f, reflect.ValueOf(p).Elem()) {
			n++
		}
	}
	return n, nil
}

// As reports false: the in-memory DAO has no native type.
func (c *collection[T]) As(any) bool { return false }

// cursor yields copies of the stored documents a Find selected. Stored
// documents are never changed in place (a write stores a new copy), so
// reading them after the lock is released is safe.
type cursor[T any] struct {
	c    *collection[T]
	docs []*T
	at   int
	err  error
}

func (r *cursor[T]) Next(ctx context.Context) bool {
	if r.err = ctx.Err(); r.err != nil {
		return false
	}
	r.at++
	return r.at < len(r.docs)
}

func (r *cursor[T]) Decode(doc, _ any) error {
	r.c.copyTo(doc, r.docs[r.at])
	return nil
}

func (r *cursor[T]) Err() error { return r.err }

func (r *cursor[T]) Close(context.Context) error { return nil }

// NewCollection returns an empty in-memory driver collection of T, for
// providers that build on the in-memory DAO (the in-memory outbox); services
// call New. dao.New checks T and the options before it is used.
func NewCollection[T any]() driver.Collection { return &collection[T]{} }
