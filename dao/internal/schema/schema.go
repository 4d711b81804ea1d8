// Package schema reads document types for package dao and dao/memdao: it
// checks a struct type once, resolves dotted json paths, and (for the
// in-memory provider) looks values up, matches filters, orders documents
// and copies them as a database stores them.
package schema

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao/driver"
)

var (
	typeTime = reflect.TypeFor[time.Time]()
	typeUUID = reflect.TypeFor[uuid.UUID]()
)

// Schema describes a document type. It is safe for concurrent use.
type Schema struct {
	Type     reflect.Type
	structs  map[reflect.Type]*structInfo
	root     *structInfo
	paths    sync.Map     // string -> *Path, resolved paths only
	npaths   atomic.Int64 // entries in paths, at most maxPaths
	maxPaths int64
	check    checker // nil when no value of the type can be refused
}

type structInfo struct {
	fields []Field
	byName map[string]int // json name -> index into fields
}

// Field is one stored field of a struct.
type Field struct {
	Name      string // json name
	Index     int    // Go field index
	Offset    uintptr
	OmitEmpty bool
	Type      reflect.Type
}

// Path is a resolved dotted field path.
type Path struct {
	Name  string
	Steps []Field
	Kind  driver.Kind // scalar kind of the leaf, 0 for structs, slices and maps
}

// Leaf returns the Go type of the path's last field.
func (p *Path) Leaf() reflect.Type { return p.Steps[len(p.Steps)-1].Type }

// Nullable reports whether the field can be null or missing in a stored
// document.
func (p *Path) Nullable() bool {
	for _, st := range p.Steps {
		if st.OmitEmpty || st.Type.Kind() == reflect.Pointer || st.Type.Kind() == reflect.Slice {
			return true
		}
	}
	return false
}

// maxCachedPaths bounds the resolved paths a Schema keeps. Only paths that
// resolve are cached, so names a caller passes through from its own users
// (a ?sort= parameter) cost nothing once refused; a recursive document type
// has unboundedly many valid paths, hence the cap as well.
const maxCachedPaths = 4096

type schemaResult struct {
	s   *Schema
	err error
}

var cache sync.Map // reflect.Type -> schemaResult

// For returns the schema of t, checked once per type. Every exported field
// of t (and of the structs inside it) needs a json tag with a name, or
// `json:"-"`; a bson tag is refused (the json tag is the single source of
// truth), and so are the bson options inline, minsize and truncate in a
// json tag; supported field types are bool, integer and float types, string,
// []byte, time.Time, uuid.UUID, structs, and pointers, slices and
// string-keyed maps of those, except slices of slices other than [][]byte
// (FerretDB stores no nested arrays). Problems wrap
// driver.ErrInvalidDocument.
func For(t reflect.Type) (*Schema, error) {
	if r, ok := cache.Load(t); ok {
		res := r.(schemaResult)
		return res.s, res.err
	}
	s, err := build(t)
	r, _ := cache.LoadOrStore(t, schemaResult{s, err})
	res := r.(schemaResult)
	return res.s, res.err
}

func build(t reflect.Type) (*Schema, error) {
	if t.Kind() != reflect.Struct || t == typeTime {
		return nil, fmt.Errorf("%w: document type %s is not a struct", driver.ErrInvalidDocument, t)
	}
	s := &Schema{Type: t, structs: map[reflect.Type]*structInfo{}, maxPaths: maxCachedPaths}
	if err := s.walk(t, t.String()); err != nil {
		return nil, err
	}
	s.root = s.structs[t]
	s.check = compile(t, map[reflect.Type]*checker{})
	return s, nil
}

// Top returns the top-level field with the given json name.
func (s *Schema) Top(name string) (Field, bool) {
	i, ok := s.root.byName[name]
	if !ok {
		return Field{}, false
	}
	return s.root.fields[i], true
}

// Fields returns the top-level fields.
func (s *Schema) Fields() []Field { return s.root.fields }

// walk checks a type and records every struct type it reaches.
func (s *Schema) walk(t reflect.Type, where string) error {
	switch {
	case t == typeTime || t == typeUUID:
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return nil
	case reflect.Slice:
		if nestedSlice(t) {
			return fmt.Errorf("%w: %s: a slice of slices (%s) is not supported: FerretDB stores no nested arrays; "+
				"put the inner slice in a struct", driver.ErrInvalidDocument, where, t)
		}
		return s.walk(t.Elem(), where)
	case reflect.Pointer:
		return s.walk(t.Elem(), where)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%w: %s: map keys must be strings, not %s", driver.ErrInvalidDocument, where, t.Key())
		}
		return s.walk(t.Elem(), where)
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
					return fmt.Errorf("%w: %s.%s: embedded unexported fields are not supported", driver.ErrInvalidDocument, where, sf.Name)
				}
				continue
			}
			fw := where + "." + sf.Name
			if _, ok := sf.Tag.Lookup("bson"); ok {
				return fmt.Errorf("%w: %s has a bson tag; hexkit reads only json tags", driver.ErrInvalidDocument, fw)
			}
			name, omitEmpty, skip, err := jsonName(sf)
			if skip {
				continue
			}
			if err != nil {
				return fmt.Errorf("%w: %s %v", driver.ErrInvalidDocument, fw, err)
			}
			if _, dup := si.byName[name]; dup {
				return fmt.Errorf("%w: %s: json name %q is used twice", driver.ErrInvalidDocument, fw, name)
			}
			if sf.Type.Kind() == reflect.Array && sf.Type != typeUUID {
				return fmt.Errorf("%w: %s: arrays other than uuid.UUID are not supported; use a slice", driver.ErrInvalidDocument, fw)
			}
			if err := s.walk(sf.Type, fw); err != nil {
				return err
			}
			si.byName[name] = len(si.fields)
			si.fields = append(si.fields, Field{Name: name, Index: i, Offset: sf.Offset, OmitEmpty: omitEmpty, Type: sf.Type})
		}
		return nil
	}
	return fmt.Errorf("%w: %s: type %s is not supported", driver.ErrInvalidDocument, where, t)
}

// nestedSlice reports whether the slice type t stores as an array of
// arrays: its elements (after pointers) are slices other than []byte,
// which stores as binary data, as a []byte slice itself does.
func nestedSlice(t reflect.Type) bool {
	e := t.Elem()
	if e.Kind() == reflect.Uint8 {
		return false
	}
	for e.Kind() == reflect.Pointer {
		e = e.Elem()
	}
	return e.Kind() == reflect.Slice && e.Elem().Kind() != reflect.Uint8
}

// jsonName reads a field's json tag: its name, whether it is omitempty,
// and whether the field is not stored at all (`json:"-"`).
func jsonName(sf reflect.StructField) (name string, omitEmpty, skip bool, err error) {
	tag, ok := sf.Tag.Lookup("json")
	if tag == "-" {
		return "", false, true, nil
	}
	name, opts, _ := strings.Cut(tag, ",")
	if !ok || name == "" {
		return "", false, false, errors.New("needs a json tag with a name (or json:\"-\")")
	}
	if strings.ContainsAny(name, ".$") {
		return "", false, false, fmt.Errorf("json name %q contains '.' or '$'", name)
	}
	for o := range strings.SplitSeq(opts, ",") {
		switch o {
		case "omitempty":
			omitEmpty = true
		case "inline", "minsize", "truncate":
			// The MongoDB driver reads these in json tags too, and would
			// store or read the field otherwise than every other provider.
			return "", false, false, fmt.Errorf("json tag option %q is a bson option, which hexkit does not support", o)
		}
	}
	return name, omitEmpty, false, nil
}

// ScalarKind returns the kind of a scalar type (after pointers), or 0.
func ScalarKind(t reflect.Type) driver.Kind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case typeTime:
		return driver.KindTime
	case typeUUID:
		return driver.KindString
	}
	switch t.Kind() {
	case reflect.Bool:
		return driver.KindBool
	case reflect.String:
		return driver.KindString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return driver.KindNumber
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return driver.KindBinary
		}
	}
	return 0
}

// Resolve turns a dotted json path into field steps. Errors are plain:
// callers wrap them in their sentinel. Refused paths are not remembered, and
// at most maxCachedPaths resolved ones are.
func (s *Schema) Resolve(path string) (*Path, error) {
	if r, ok := s.paths.Load(path); ok {
		return r.(*Path), nil
	}
	p, err := s.resolve(path)
	if err != nil {
		return nil, err
	}
	if s.npaths.Load() < s.maxPaths {
		if _, loaded := s.paths.LoadOrStore(path, p); !loaded {
			s.npaths.Add(1)
		}
	}
	return p, nil
}

// CachedPaths returns how many resolved paths s keeps.
func (s *Schema) CachedPaths() int { return int(s.npaths.Load()) }

func (s *Schema) resolve(path string) (*Path, error) {
	if path == "" {
		return nil, errors.New("empty field name")
	}
	p := &Path{Name: path}
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
		p.Steps = append(p.Steps, f)
		if i == len(segs)-1 {
			p.Kind = ScalarKind(f.Type)
			break
		}
		t := f.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		next, ok := s.structs[t]
		if !ok || t == typeTime || t == typeUUID {
			return nil, fmt.Errorf("field %q in %q is a %s, not a struct", seg, path, f.Type)
		}
		si = next
	}
	return p, nil
}
