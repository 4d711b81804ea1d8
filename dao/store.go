package dao

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"reflect"
	"unsafe"

	"github.com/hexkit-go/hexkit/dao/driver"
	"github.com/hexkit-go/hexkit/dao/internal/schema"
)

// store is the portable DAO: everything the providers share, once, around
// a driver.Collection.
type store[T any, ID comparable] struct {
	c       driver.Collection
	s       *schema.Schema
	idField string
	idOff   uintptr
	idConv  func(ID) (driver.Value, error)
	verOff  uintptr
	verKind reflect.Kind // 0: no versioning
	verMax  int64        // the largest value of the version field's type
	verName string
}

// New wraps a provider's collection into a DAO. It is for providers;
// services call a provider's constructor (memdao.New, mongo.NewDAO).
//
// New checks T and the options once. T must be a struct whose exported
// fields (and those of the structs inside it) carry json tags with a name,
// or `json:"-"`; a bson tag is refused (the json tag is the single source
// of truth), and so are the bson options inline, minsize and truncate in a
// json tag, which the MongoDB driver would act on (flattening an inline
// struct) and no other provider; supported field types are bool, integer and float types,
// string, []byte, time.Time, uuid.UUID, structs, and pointers, slices and
// string-keyed maps of those, except slices of slices other than [][]byte
// (FerretDB stores no nested arrays; MongoDB does, but every provider
// refuses them, so that a type accepted by one is stored by all; put the
// inner slice in a struct). ID must be a string type, an integer type of
// at most 32 bits unsigned or 64 bits signed, or uuid.UUID, and the id
// field's type. Problems with T wrap [ErrInvalidDocument], problems with
// the options [ErrInvalidOption]. Then New hands the checked schema to the
// collection (driver.Collection.Init), which may fail.
func New[T any, ID comparable](ctx context.Context, c driver.Collection, opts ...Option[T]) (DAO[T, ID], error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil driver collection", ErrInvalidOption)
	}
	o := options[T]{idField: "id"}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(o.errs) > 0 {
		return nil, o.errs[0]
	}
	s, err := schema.For(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	d := &store[T, ID]{c: c, s: s, idField: o.idField, idConv: converter[ID]()}
	if err := d.checkID(o.idField); err != nil {
		return nil, err
	}
	if err := d.checkVersion(o.versionField, o.idField); err != nil {
		return nil, err
	}
	if err := checkUnique(s, o.unique, o.idField); err != nil {
		return nil, err
	}
	fields := make([]string, 0, len(s.Fields()))
	for _, f := range s.Fields() {
		fields = append(fields, f.Name)
	}
	if err := c.Init(ctx, driver.Schema{IDField: o.idField, VersionField: o.versionField, Unique: o.unique, Fields: fields}); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *store[T, ID]) checkID(name string) error {
	idType := reflect.TypeFor[ID]()
	if !validIDType(idType) {
		return fmt.Errorf("%w: id type %s: want a string, an integer type or uuid.UUID", ErrInvalidDocument, idType)
	}
	f, ok := d.s.Top(name)
	switch {
	case !ok:
		return fmt.Errorf("%w: id field %q: %s has no such top-level field (set it with WithIDField)", ErrInvalidOption, name, d.s.Type)
	case f.Type != idType:
		return fmt.Errorf("%w: id field %q has type %s, want the DAO's id type %s", ErrInvalidOption, name, f.Type, idType)
	case f.OmitEmpty:
		return fmt.Errorf("%w: id field %q must not be omitempty", ErrInvalidOption, name)
	}
	for _, other := range d.s.Fields() {
		if other.Name == "_id" && other.Name != name {
			return fmt.Errorf("%w: field %q collides with the stored id; name the id field %q with WithIDField", ErrInvalidOption, other.Name, other.Name)
		}
	}
	d.idOff = f.Offset
	return nil
}

func (d *store[T, ID]) checkVersion(name, idField string) error {
	if name == "" {
		return nil
	}
	f, ok := d.s.Top(name)
	if !ok {
		return fmt.Errorf("%w: version field %q: %s has no such top-level field", ErrInvalidOption, name, d.s.Type)
	}
	switch f.Type.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint32:
	default:
		return fmt.Errorf("%w: version field %q has type %s, want int, int32, int64 or uint32", ErrInvalidOption, name, f.Type)
	}
	if name == idField {
		return fmt.Errorf("%w: the version field cannot be the id field", ErrInvalidOption)
	}
	if f.OmitEmpty {
		return fmt.Errorf("%w: version field %q must not be omitempty (version 0 would not be stored)", ErrInvalidOption, name)
	}
	d.verOff, d.verKind, d.verName = f.Offset, f.Type.Kind(), name
	d.verMax = math.MaxInt64
	switch d.verKind {
	case reflect.Int32:
		d.verMax = math.MaxInt32
	case reflect.Uint32:
		d.verMax = math.MaxUint32
	case reflect.Int:
		d.verMax = math.MaxInt
	}
	return nil
}

func checkUnique(s *schema.Schema, indexes [][]string, idField string) error {
	for _, idx := range indexes {
		if len(idx) == 1 && idx[0] == idField {
			return fmt.Errorf("%w: unique index %v: the id field %q is unique already (MongoDB refuses a unique index on _id)", ErrInvalidOption, idx, idField)
		}
		seen := map[string]bool{}
		for _, f := range idx {
			p, err := s.Resolve(f)
			if err != nil {
				return fmt.Errorf("%w: unique index %v: %v", ErrInvalidOption, idx, err)
			}
			if p.Kind == 0 {
				return fmt.Errorf("%w: unique index %v: field %q is not a scalar", ErrInvalidOption, idx, f)
			}
			if p.Nullable() {
				return fmt.Errorf("%w: unique index %v: field %q can be null or missing (a pointer, []byte or omitempty field, or inside one); "+
					"databases disagree on whether two missing values collide, so unique fields must always hold a value", ErrInvalidOption, idx, f)
			}
			if seen[f] {
				return fmt.Errorf("%w: unique index %v names %q twice", ErrInvalidOption, idx, f)
			}
			seen[f] = true
		}
	}
	return nil
}

func validIDType(t reflect.Type) bool {
	if t == typeUUID {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return true
	}
	return false
}

// idPtr points to doc's id field.
func (d *store[T, ID]) idPtr(doc *T) *ID { return (*ID)(unsafe.Add(unsafe.Pointer(doc), d.idOff)) }

// version reads doc's version field.
func (d *store[T, ID]) version(doc *T) int64 {
	p := unsafe.Add(unsafe.Pointer(doc), d.verOff)
	switch d.verKind {
	case reflect.Int:
		return int64(*(*int)(p))
	case reflect.Int32:
		return int64(*(*int32)(p))
	case reflect.Int64:
		return *(*int64)(p)
	case reflect.Uint32:
		return int64(*(*uint32)(p))
	}
	return 0
}

// setVersion sets doc's version field.
func (d *store[T, ID]) setVersion(doc *T, v int64) {
	p := unsafe.Add(unsafe.Pointer(doc), d.verOff)
	switch d.verKind {
	case reflect.Int:
		*(*int)(p) = int(v)
	case reflect.Int32:
		*(*int32)(p) = int32(v)
	case reflect.Int64:
		*(*int64)(p) = v
	case reflect.Uint32:
		*(*uint32)(p) = uint32(v)
	}
}

// id turns an id into a driver value, refusing what no database stores
// faithfully.
func (d *store[T, ID]) id(id ID) (driver.Value, error) {
	v, err := d.idConv(id)
	if err == nil {
		err = v.Check()
	}
	if err != nil {
		return v, fmt.Errorf("%w: %v", ErrInvalidID, err)
	}
	return v, nil
}

// checkDoc checks a document before a write and returns its id.
func (d *store[T, ID]) checkDoc(doc *T) (driver.Value, error) {
	id, err := d.id(*d.idPtr(doc))
	if err != nil {
		return id, fmt.Errorf("%w: field %s: %w", ErrInvalidDocument, d.idField, err)
	}
	return id, d.s.Check(unsafe.Pointer(doc))
}

// fail returns the error of a driver call as the protocol promises it:
// the caller's context error as it is, a unique violation as the
// user-facing type, anything else as the driver wrapped it.
func fail(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	var uv *driver.UniqueViolationError
	if errors.As(err, &uv) {
		return &UniqueViolationError{Fields: uv.Fields, Err: uv.Err}
	}
	return err
}

func (d *store[T, ID]) Get(ctx context.Context, id ID) (T, error) {
	var doc T
	if err := ctx.Err(); err != nil {
		return doc, err
	}
	idv, err := d.id(id)
	if err != nil {
		return doc, err
	}
	if err := d.c.Get(ctx, idv, &doc); err != nil {
		var zero T
		return zero, fail(ctx, err)
	}
	*d.idPtr(&doc) = id
	return doc, nil
}

func (d *store[T, ID]) Insert(ctx context.Context, doc T) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	id, err := d.checkDoc(&doc)
	if err != nil {
		return err
	}
	if d.verKind != 0 {
		if v := d.version(&doc); v < 0 {
			return d.negativeVersion(v)
		}
	}
	if err := d.c.Insert(ctx, id, &doc); err != nil {
		return fail(ctx, err)
	}
	return nil
}

// negativeVersion is the error of a write of a document whose version is
// below 0, which no versioned write produces.
func (d *store[T, ID]) negativeVersion(v int64) error {
	return fmt.Errorf("%w: version field %q holds %d: versions are 0 or more", ErrInvalidDocument, d.verName, v)
}

func (d *store[T, ID]) Update(ctx context.Context, doc T) (int64, error) {
	return d.replace(ctx, doc, false)
}

func (d *store[T, ID]) Upsert(ctx context.Context, doc T) (int64, error) {
	return d.replace(ctx, doc, true)
}

func (d *store[T, ID]) replace(ctx context.Context, doc T, upsert bool) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	id, err := d.checkDoc(&doc)
	if err != nil {
		return 0, err
	}
	r := driver.Replace{ID: id, Doc: &doc, Upsert: upsert}
	var next int64
	if d.verKind != 0 {
		r.Versioned, r.Version = true, d.version(&doc)
		if r.Version < 0 {
			return 0, d.negativeVersion(r.Version)
		}
		if r.Version == d.verMax {
			return 0, fmt.Errorf("%w: version field %q holds %d, the largest value of its type, so it cannot count one more write",
				ErrInvalidDocument, d.verName, r.Version)
		}
		next = r.Version + 1
		d.setVersion(&doc, next)
	}
	if err := d.c.Replace(ctx, r); err != nil {
		return 0, fail(ctx, err)
	}
	return next, nil
}

func (d *store[T, ID]) Delete(ctx context.Context, id ID) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	idv, err := d.id(id)
	if err != nil {
		return err
	}
	if err := d.c.Delete(ctx, idv); err != nil {
		return fail(ctx, err)
	}
	return nil
}

func (d *store[T, ID]) FindOne(ctx context.Context, filter Filter[T]) (T, error) {
	var zero T
	if filter.err != nil {
		return zero, filter.err
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	var docs [2]T
	n := 0
	for doc, err := range d.read(ctx, driver.Query{Filter: filter.f, Limit: 2}) {
		if err != nil {
			return zero, err
		}
		docs[n] = doc
		n++
	}
	switch n {
	case 0:
		return zero, fmt.Errorf("%w: %s", ErrNoHits, filter)
	case 1:
		return docs[0], nil
	}
	return zero, fmt.Errorf("%w: %s", ErrMultipleHits, filter)
}

func (d *store[T, ID]) Find(ctx context.Context, filter Filter[T], opts ...FindOption[T]) iter.Seq2[T, error] {
	q, err := d.query(filter, opts)
	if err != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, err)
		}
	}
	return d.read(ctx, q)
}

// query checks a Find's filter and options: sort fields named once, skip
// and limit not negative, and the id appended as the last sort key.
func (d *store[T, ID]) query(filter Filter[T], opts []FindOption[T]) (driver.Query, error) {
	q := driver.Query{Filter: filter.f}
	if filter.err != nil {
		return q, filter.err
	}
	n := 0
	for _, o := range opts {
		n += len(o.keys)
		if o.set&setSkip != 0 {
			q.Skip = o.skip
		}
		if o.set&setLimit != 0 {
			q.Limit = o.limit
		}
	}
	if q.Skip < 0 || q.Limit < 0 {
		return q, fmt.Errorf("%w: negative skip (%d) or limit (%d)", ErrInvalidFilter, q.Skip, q.Limit)
	}
	q.Sort = make([]driver.Sort, 0, n+1)
	hasID := false
	for _, o := range opts {
		for _, k := range o.keys {
			if k.err != nil {
				return q, k.err
			}
			if k.key.Field == "" {
				return q, fmt.Errorf("%w: a zero Sort; make sort keys with Field.Asc or Field.Desc", ErrInvalidFilter)
			}
			for _, prev := range q.Sort {
				if prev.Field == k.key.Field {
					return q, fmt.Errorf("%w: sort: field %q named twice", ErrInvalidFilter, k.key.Field)
				}
			}
			hasID = hasID || k.key.Field == d.idField
			q.Sort = append(q.Sort, k.key)
		}
	}
	if !hasID {
		q.Sort = append(q.Sort, driver.Sort{Field: d.idField})
	}
	return q, nil
}

// read runs a checked query.
func (d *store[T, ID]) read(ctx context.Context, q driver.Query) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		cur, err := d.c.Find(ctx, q)
		if err != nil {
			yield(zero, fail(ctx, err))
			return
		}
		defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
		// One document to decode into for the whole loop, zeroed before
		// each decode so that nothing of the previous one is reused: the
		// caller gets a copy, and no allocation per document is added.
		doc := new(T)
		id := d.idPtr(doc)
		for cur.Next(ctx) {
			*doc = zero
			if err := cur.Decode(doc, id); err != nil {
				yield(zero, fail(ctx, err))
				return
			}
			if !yield(*doc, nil) {
				return
			}
		}
		if err := cur.Err(); err != nil {
			yield(zero, fail(ctx, err))
		}
	}
}

func (d *store[T, ID]) Count(ctx context.Context, filter Filter[T]) (int64, error) {
	if filter.err != nil {
		return 0, filter.err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := d.c.Count(ctx, filter.f)
	if err != nil {
		return 0, fail(ctx, err)
	}
	return n, nil
}

func (d *store[T, ID]) As(target any) bool { return d.c.As(target) }
