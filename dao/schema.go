package dao

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Schema is the shared logic every [DAO] implementation builds on: it
// checks the document type T and the construction options once, validates
// filters and find options against T's json field names, and gives access
// to a document's id and version. Applications do not need it; providers
// create one with [NewSchema] in their constructor.
//
// A Schema is safe for concurrent use.
type Schema[T any, ID comparable] struct {
	idField      string
	idIndex      int
	versionField string
	versionIndex int
	unique       [][]string
	structs      map[reflect.Type]*structInfo
	root         *structInfo
	paths        sync.Map // string -> pathResult
}

type structInfo struct {
	fields []fieldInfo
	byName map[string]int // json name -> index into fields
}

type fieldInfo struct {
	name      string
	index     int // Go field index
	omitEmpty bool
	typ       reflect.Type
}

// fieldPath is a resolved dotted field path.
type fieldPath struct {
	name  string
	steps []fieldInfo
	kind  Kind // scalar kind of the leaf, 0 for structs, slices and maps
}

// nullable reports whether the field can be null or missing in a stored
// document.
func (p *fieldPath) nullable() bool {
	for _, st := range p.steps {
		if st.omitEmpty || st.typ.Kind() == reflect.Pointer || st.typ.Kind() == reflect.Slice {
			return true
		}
	}
	return false
}

type pathResult struct {
	p   *fieldPath
	err error
}

// NewSchema checks that T is a struct type hexkit can store and applies
// opts. Every exported field of T (and of the structs inside it) needs a
// json tag with a name, or `json:"-"`; a bson tag is refused (the json tag
// is the single source of truth); supported field types are bool, integer
// and float types, string, []byte, time.Time, uuid.UUID, structs, and
// pointers, slices and string-keyed maps of those. The id field must have
// type ID, which must be a string, an integer type or uuid.UUID. Problems
// with T wrap [ErrInvalidDocument], problems with the options
// [ErrInvalidOption].
func NewSchema[T any, ID comparable](opts ...Option) (*Schema[T, ID], error) {
	o := options{idField: "id"}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if len(o.errs) > 0 {
		return nil, o.errs[0]
	}
	s := &Schema[T, ID]{
		idField:      o.idField,
		versionField: o.versionField,
		unique:       o.unique,
		structs:      map[reflect.Type]*structInfo{},
		versionIndex: -1,
	}
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct || t == typeTime {
		return nil, fmt.Errorf("%w: document type %s is not a struct", ErrInvalidDocument, t)
	}
	if err := s.check(t, t.String()); err != nil {
		return nil, err
	}
	s.root = s.structs[t]

	idType := reflect.TypeFor[ID]()
	if !validIDType(idType) {
		return nil, fmt.Errorf("%w: id type %s: want a string, an integer type or uuid.UUID", ErrInvalidDocument, idType)
	}
	idx, ok := s.root.byName[o.idField]
	if !ok {
		return nil, fmt.Errorf("%w: id field %q: %s has no such field (set it with WithIDField)", ErrInvalidOption, o.idField, t)
	}
	id := s.root.fields[idx]
	if id.typ != idType {
		return nil, fmt.Errorf("%w: id field %q has type %s, want the DAO's id type %s", ErrInvalidOption, o.idField, id.typ, idType)
	}
	if id.omitEmpty {
		return nil, fmt.Errorf("%w: id field %q must not be omitempty", ErrInvalidOption, o.idField)
	}
	s.idIndex = id.index
	for _, f := range s.root.fields {
		if f.name == "_id" && f.name != o.idField {
			return nil, fmt.Errorf("%w: field %q collides with the stored id; name the id field %q with WithIDField", ErrInvalidOption, f.name, f.name)
		}
	}

	if o.versionField != "" {
		idx, ok := s.root.byName[o.versionField]
		if !ok {
			return nil, fmt.Errorf("%w: version field %q: %s has no such top-level field", ErrInvalidOption, o.versionField, t)
		}
		v := s.root.fields[idx]
		switch v.typ.Kind() {
		case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint32:
		default:
			return nil, fmt.Errorf("%w: version field %q has type %s, want int, int32, int64 or uint32", ErrInvalidOption, o.versionField, v.typ)
		}
		if o.versionField == o.idField {
			return nil, fmt.Errorf("%w: the version field cannot be the id field", ErrInvalidOption)
		}
		s.versionIndex = v.index
	}

	for _, idx := range o.unique {
		seen := map[string]bool{}
		for _, f := range idx {
			p, err := s.resolve(f)
			if err != nil {
				return nil, fmt.Errorf("%w: unique index %v: %v", ErrInvalidOption, idx, err)
			}
			if p.kind == 0 {
				return nil, fmt.Errorf("%w: unique index %v: field %q is not a scalar", ErrInvalidOption, idx, f)
			}
			if p.nullable() {
				return nil, fmt.Errorf("%w: unique index %v: field %q can be null or missing (a pointer, []byte or omitempty field, or inside one); "+
					"databases disagree on whether two missing values collide, so unique fields must always hold a value", ErrInvalidOption, idx, f)
			}
			if seen[f] {
				return nil, fmt.Errorf("%w: unique index %v names %q twice", ErrInvalidOption, idx, f)
			}
			seen[f] = true
		}
	}
	return s, nil
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

// check walks a type and records every struct type it reaches.
func (s *Schema[T, ID]) check(t reflect.Type, where string) error {
	switch {
	case t == typeTime || t == typeUUID:
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return nil
	case reflect.Pointer, reflect.Slice:
		return s.check(t.Elem(), where)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%w: %s: map keys must be strings, not %s", ErrInvalidDocument, where, t.Key())
		}
		return s.check(t.Elem(), where)
	case reflect.Struct:
		if _, done := s.structs[t]; done {
			return nil
		}
		si := &structInfo{byName: map[string]int{}}
		s.structs[t] = si // before recursing: recursive types terminate
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				if sf.Anonymous {
					return fmt.Errorf("%w: %s.%s: embedded unexported fields are not supported", ErrInvalidDocument, where, sf.Name)
				}
				continue
			}
			fw := where + "." + sf.Name
			if _, ok := sf.Tag.Lookup("bson"); ok {
				return fmt.Errorf("%w: %s has a bson tag; hexkit reads only json tags", ErrInvalidDocument, fw)
			}
			tag, ok := sf.Tag.Lookup("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if !ok || name == "" {
				return fmt.Errorf("%w: %s needs a json tag with a name (or json:\"-\")", ErrInvalidDocument, fw)
			}
			if strings.ContainsAny(name, ".$") {
				return fmt.Errorf("%w: %s: json name %q contains '.' or '$'", ErrInvalidDocument, fw, name)
			}
			if _, dup := si.byName[name]; dup {
				return fmt.Errorf("%w: %s: json name %q is used twice", ErrInvalidDocument, fw, name)
			}
			fi := fieldInfo{name: name, index: i, typ: sf.Type}
			for o := range strings.SplitSeq(opts, ",") {
				if o == "omitempty" {
					fi.omitEmpty = true
				}
			}
			if err := s.checkField(sf.Type, fw); err != nil {
				return err
			}
			si.byName[name] = len(si.fields)
			si.fields = append(si.fields, fi)
		}
		return nil
	}
	return fmt.Errorf("%w: %s: type %s is not supported", ErrInvalidDocument, where, t)
}

func (s *Schema[T, ID]) checkField(t reflect.Type, where string) error {
	if t.Kind() == reflect.Array && t != typeUUID {
		return fmt.Errorf("%w: %s: arrays other than uuid.UUID are not supported; use a slice", ErrInvalidDocument, where)
	}
	return s.check(t, where)
}

// scalarKind returns the kind of a scalar type (after pointers), or 0.
func scalarKind(t reflect.Type) Kind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case typeTime:
		return Time
	case typeUUID:
		return String
	}
	switch t.Kind() {
	case reflect.Bool:
		return Bool
	case reflect.String:
		return String
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return Number
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return Binary
		}
	}
	return 0
}

// resolve turns a dotted json path into field steps.
func (s *Schema[T, ID]) resolve(path string) (*fieldPath, error) {
	if r, ok := s.paths.Load(path); ok {
		res := r.(pathResult)
		return res.p, res.err
	}
	p, err := s.resolveSlow(path)
	s.paths.Store(path, pathResult{p, err})
	return p, err
}

func (s *Schema[T, ID]) resolveSlow(path string) (*fieldPath, error) {
	if path == "" {
		return nil, fmt.Errorf("empty field name")
	}
	p := &fieldPath{name: path}
	si := s.root
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		idx, ok := si.byName[seg]
		if !ok {
			if len(segs) == 1 {
				return nil, fmt.Errorf("unknown field %q", seg)
			}
			return nil, fmt.Errorf("unknown field %q in %q", seg, path)
		}
		f := si.fields[idx]
		p.steps = append(p.steps, f)
		if i == len(segs)-1 {
			p.kind = scalarKind(f.typ)
			break
		}
		t := f.typ
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		next, ok := s.structs[t]
		if !ok || t == typeTime || t == typeUUID {
			return nil, fmt.Errorf("field %q in %q is a %s, not a struct", seg, path, f.typ)
		}
		si = next
	}
	return p, nil
}

// IDField returns the json name of the id field.
func (s *Schema[T, ID]) IDField() string { return s.idField }

// VersionField returns the json name of the version field, or "" when
// optimistic concurrency is off.
func (s *Schema[T, ID]) VersionField() string { return s.versionField }

// UniqueIndexes returns the declared unique indexes, each a list of fields.
func (s *Schema[T, ID]) UniqueIndexes() [][]string {
	out := make([][]string, len(s.unique))
	for i, u := range s.unique {
		out[i] = append([]string(nil), u...)
	}
	return out
}

// ID returns the document's id.
func (s *Schema[T, ID]) ID(doc *T) ID {
	return *reflect.ValueOf(doc).Elem().Field(s.idIndex).Addr().Interface().(*ID)
}

// SetID sets the document's id.
func (s *Schema[T, ID]) SetID(doc *T, id ID) {
	*reflect.ValueOf(doc).Elem().Field(s.idIndex).Addr().Interface().(*ID) = id
}

// Version returns the document's version (0 when versioning is off).
func (s *Schema[T, ID]) Version(doc *T) int64 {
	if s.versionIndex < 0 {
		return 0
	}
	f := reflect.ValueOf(doc).Elem().Field(s.versionIndex)
	if f.CanInt() {
		return f.Int()
	}
	return int64(f.Uint())
}

// SetVersion sets the document's version; it does nothing when versioning
// is off.
func (s *Schema[T, ID]) SetVersion(doc *T, v int64) {
	if s.versionIndex < 0 {
		return
	}
	f := reflect.ValueOf(doc).Elem().Field(s.versionIndex)
	if f.CanInt() {
		f.SetInt(v)
	} else {
		f.SetUint(uint64(v))
	}
}

// IDValue normalizes an id into a Value (a uuid.UUID becomes its string).
func (s *Schema[T, ID]) IDValue(id ID) Value {
	v, _ := ValueOf(id) // the id type was checked by NewSchema
	return v
}
