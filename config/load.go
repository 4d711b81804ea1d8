package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/joho/godotenv"
	"go.yaml.in/yaml/v3"
)

var prefixRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// Load returns defaults overlaid with the YAML file, the dotenv files and
// the environment variables of prefix (see the package documentation for
// the names and the order), after checking every field and calling every
// [Validator]. T must be a struct type, and prefix ASCII letters, digits
// and '_', starting with a letter (it is part of variable and file names:
// my_service, not my-service). Every problem, a wrong T or prefix
// included, is reported in one [*Error] matching [ErrInvalid]; on error
// the returned value is defaults.
func Load[T any](prefix string, defaults T, opts ...Option) (T, error) {
	o := options{secretsDir: "/secrets"}
	for _, opt := range opts {
		opt(&o)
	}
	cfg := defaults
	rv := reflect.ValueOf(&cfg).Elem()
	if rv.Kind() != reflect.Struct {
		return defaults, &Error{Prefix: prefix, Fields: []*FieldError{{Err: fmt.Errorf("Load needs a struct, not %s", rv.Type())}}}
	}
	if !prefixRE.MatchString(prefix) {
		return defaults, &Error{Prefix: prefix, Fields: []*FieldError{{Err: fmt.Errorf("prefix %q must be ASCII letters, digits and _, starting with a letter", prefix)}}}
	}
	l := &loader{prefix: prefix, errs: map[string]*FieldError{}, from: map[string]string{}}
	l.fields = fieldsOf(rv.Type(), nil, nil)

	env := o.environ
	if !o.useEnviron {
		env = os.Environ()
	}
	environ := envMap(env)
	if o.workDir == "" {
		o.workDir, _ = os.Getwd()
	}
	if o.homeDir == "" {
		o.homeDir, _ = os.UserHomeDir()
	}

	ownSections(rv, l.fields)

	// A source that cannot be read is reported and skipped: the others
	// are still checked, so that one run lists every problem.
	path, err := yamlPath(prefix, o, environ)
	if err != nil {
		l.failSource("", err)
	}
	if path != "" {
		l.source = path
		if err := l.applyYAML(rv, path); err != nil {
			l.failSource(path, err)
		}
	}
	for _, dir := range []string{o.workDir, o.secretsDir} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, ".env")
		l.source = "dotenv " + p
		vars, err := readDotenv(p)
		if err != nil {
			l.failSource(p, err)
		}
		l.applyEnv(rv, vars, "dotenv "+p)
	}
	l.source = "env"
	l.applyEnv(rv, environ, "env")
	l.validate(rv, nil)

	if len(l.order) == 0 {
		return cfg, nil
	}
	e := &Error{Prefix: prefix}
	seen := map[string]bool{}
	for _, k := range l.order {
		f := l.errs[k]
		if f == nil || seen[f.Error()] {
			continue
		}
		seen[f.Error()] = true
		e.Fields = append(e.Fields, f)
	}
	if len(e.Fields) == 0 {
		return cfg, nil
	}
	return defaults, e
}

// envMap indexes KEY=value entries by their upper-case key; the last entry
// wins.
func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			m[strings.ToUpper(k)] = v
		}
	}
	return m
}

// yamlPath finds the YAML file: the option, <PREFIX>_CONFIG_YAML, then
// .<prefix>.yaml in the working and the home directory.
func yamlPath(prefix string, o options, environ map[string]string) (string, error) {
	if o.file != "" {
		if !isFile(o.file) {
			return "", fmt.Errorf("the configuration file %s does not exist", o.file)
		}
		return o.file, nil
	}
	name := strings.ToUpper(prefix) + "_CONFIG_YAML"
	if p, ok := environ[name]; ok {
		if !isFile(p) {
			return "", fmt.Errorf("the configuration file %s named by %s does not exist", p, name)
		}
		return p, nil
	}
	for _, dir := range []string{o.workDir, o.homeDir} {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, "."+prefix+".yaml"); isFile(p) {
			return p, nil
		}
	}
	return "", nil
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// readDotenv parses a dotenv file; a missing file is no error.
func readDotenv(p string) (map[string]string, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	vars, err := godotenv.UnmarshalBytes(data)
	if err != nil {
		// The parser's message quotes the file from the broken
		// statement on, secrets included: only the line is reported.
		return nil, fmt.Errorf("the dotenv file does not parse: the statement on line %d is not NAME=value", dotenvErrorLine(data))
	}
	m := make(map[string]string, len(vars))
	for k, v := range vars {
		m[strings.ToUpper(k)] = v
	}
	return m, nil
}

// dotenvErrorLine returns the line on which the statement that a dotenv
// parser refused starts: the line after the longest run of first lines
// that parses.
func dotenvErrorLine(data []byte) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for k := len(lines) - 1; k > 0; k-- {
		if _, err := godotenv.UnmarshalBytes(bytes.Join(lines[:k], nil)); err == nil {
			return k + 1
		}
	}
	return 1
}

var yamlLineRE = regexp.MustCompile(`\bline (\d+)\b`)

// yamlSyntaxError reports the lines a YAML parser's error names, and
// nothing else of its message, which may quote values of the file.
func yamlSyntaxError(err error) error {
	var lines []string
	for _, m := range yamlLineRE.FindAllStringSubmatch(err.Error(), -1) {
		if !slices.Contains(lines, m[1]) {
			lines = append(lines, m[1])
		}
	}
	switch len(lines) {
	case 0:
		return errors.New("the YAML file does not parse")
	case 1:
		return fmt.Errorf("the YAML file does not parse: see line %s", lines[0])
	default:
		return fmt.Errorf("the YAML file does not parse: see lines %s", strings.Join(lines, ", "))
	}
}

// loader applies the sources to one configuration value.
type loader struct {
	prefix string
	fields []field
	errs   map[string]*FieldError // by key path; a later source's success clears it
	order  []string
	source string            // the source being applied: a file, or "env"
	from   map[string]string // the source of each error in errs
}

func (l *loader) fail(path, source string, err error) {
	if _, ok := l.errs[path]; !ok {
		l.order = append(l.order, path)
	}
	l.errs[path] = &FieldError{Field: path, Source: source, Err: err}
	l.from[path] = l.source
}

// failSource records a source (a file) that could not be read.
func (l *loader) failSource(source string, err error) {
	key := "source:" + source
	l.order = append(l.order, key)
	l.errs[key] = &FieldError{Source: source, Err: err}
}

// ok records that a source set the field at path: the errors for it and
// for the fields inside it no longer count, nor do the errors of earlier
// sources for the sections around it (a section that was not a mapping
// there is one here).
func (l *loader) ok(path string) {
	for k, e := range l.errs {
		if e == nil {
			continue
		}
		if k == path || strings.HasPrefix(k, path+".") ||
			strings.HasPrefix(path, k+".") && l.from[k] != l.source {
			l.errs[k] = nil
		}
	}
}

// applyYAML reads the file and sets the fields it names.
func (l *loader) applyYAML(rv reflect.Value, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return yamlSyntaxError(err)
	}
	switch m := doc.(type) {
	case nil:
		return nil // an empty file
	case map[string]any:
		l.applyMap(rv, m, nil, path)
		return nil
	default:
		return fmt.Errorf("the YAML document is a %s, not a mapping", kindOf(doc))
	}
}

// applyMap sets the fields of the struct rv that m names; keys are
// relative to path.
func (l *loader) applyMap(rv reflect.Value, m map[string]any, path []string, source string) {
	byKey := map[string]field{}
	for _, f := range children(rv.Type()) {
		byKey[f.keys[0]] = f
	}
	for k, raw := range m {
		p := append(append([]string(nil), path...), k)
		key := strings.Join(p, ".")
		f, ok := byKey[k]
		if !ok {
			l.fail(key, source, errors.New("unknown key"))
			continue
		}
		dst, _ := fieldAt(rv, f.index, true)
		if sub, ok := raw.(map[string]any); ok && f.section {
			l.applyMap(sectionValue(dst), sub, p, source)
			continue
		}
		if err := setValue(dst, raw); err != nil {
			l.fail(key, source, err)
		} else {
			l.ok(key)
		}
	}
}

// applyEnv sets every field that has a variable in vars: leaves by
// <PREFIX>_<KEY>__<SUBKEY>, sections also as a whole JSON object by their
// own name.
func (l *loader) applyEnv(rv reflect.Value, vars map[string]string, source string) {
	if len(vars) == 0 {
		return
	}
	for _, f := range l.fields {
		if f.embedded {
			continue // its fields have the variables
		}
		name := strings.ToUpper(l.prefix + "_" + strings.Join(f.keys, "__"))
		raw, ok := vars[name]
		if !ok {
			continue
		}
		key := strings.Join(f.keys, ".")
		dst, _ := fieldAt(rv, f.index, true)
		if f.section {
			// A whole section as a JSON object sets the fields it names,
			// field by field, like a YAML mapping.
			if m, err := object(raw); err == nil {
				l.applyMap(sectionValue(dst), m, f.keys, source+" "+name)
				continue
			}
		}
		if err := setValue(dst, raw); err != nil {
			l.fail(key, source+" "+name, err)
		} else {
			l.ok(key)
		}
	}
}

// sectionValue returns the struct of a section field, allocating a nil
// pointer to one.
func sectionValue(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Pointer {
		return v
	}
	if v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
	return v.Elem()
}

// validate calls Validate on rv and on every struct inside it.
func (l *loader) validate(rv reflect.Value, path []string) {
	for _, f := range children(rv.Type()) {
		fv, ok := fieldAt(rv, f.index, false)
		if !ok {
			continue // inside a nil embedded pointer
		}
		if !f.section {
			l.validateItems(fv, append(append([]string(nil), path...), f.keys[0]))
			continue
		}
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		l.validate(fv, append(append([]string(nil), path...), f.keys[0]))
	}
	for _, idx := range embeddedSections(rv.Type()) {
		if ev, ok := fieldAt(rv, idx, false); ok {
			if ev.Kind() != reflect.Pointer {
				l.validate(ev, path)
			} else if !ev.IsNil() {
				l.validate(ev.Elem(), path)
			}
		}
	}
	v, ok := validatorOf(rv)
	if !ok {
		return
	}
	err := v.Validate()
	if err == nil {
		return
	}
	for _, e := range flatten(err) {
		var fe *FieldError
		if !errors.As(e, &fe) {
			fe = &FieldError{Err: e}
		}
		p := append(append([]string(nil), path...), fe.Field)
		if fe.Field == "" {
			p = path
		}
		key := strings.Join(p, ".")
		l.order = append(l.order, "validate:"+key+":"+fe.Error())
		l.errs["validate:"+key+":"+fe.Error()] = &FieldError{Field: key, Source: fe.Source, Err: fe.Err}
	}
}

// validateItems calls validate on the structs that v, a slice, array or
// map (or a pointer to one), holds as items, directly or through a
// pointer; their keys are the item's index or map key under path.
func (l *loader) validateItems(v reflect.Value, path []string) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		switch v.Type().Elem().Kind() {
		case reflect.Struct, reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		default:
			return // no struct inside
		}
	default:
		return
	}
	item := func(e reflect.Value, key string) {
		p := append(append([]string(nil), path...), key)
		if e.Kind() == reflect.Pointer {
			if e.IsNil() || !isSection(e.Type().Elem()) {
				return
			}
			l.validate(e.Elem(), p)
			return
		}
		switch {
		case isSection(e.Type()):
			if !e.CanAddr() { // a map value: Validate may need a pointer
				c := reflect.New(e.Type()).Elem()
				c.Set(e)
				e = c
			}
			l.validate(e, p)
		case e.Kind() == reflect.Slice, e.Kind() == reflect.Array, e.Kind() == reflect.Map:
			l.validateItems(e, p)
		}
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			item(v.Index(i), strconv.Itoa(i))
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			item(v.MapIndex(k), k.String())
		}
	}
}

func validatorOf(rv reflect.Value) (Validator, bool) {
	if !rv.CanInterface() {
		return nil, false // an embedded struct of an unexported type
	}
	if rv.CanAddr() {
		if v, ok := rv.Addr().Interface().(Validator); ok {
			return v, true
		}
	}
	v, ok := rv.Interface().(Validator)
	return v, ok
}

// flatten expands errors made by errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
