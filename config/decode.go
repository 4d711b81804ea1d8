package config

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/hexkit-go/hexkit"
)

// field is a settable field of a configuration struct: a leaf or a nested
// struct (a section).
type field struct {
	keys    []string // key path from the configuration's root
	index   []int    // reflect index path
	section bool
	// embedded marks a flattened embedded pointer to a struct: a section
	// without a key of its own (keys are those of the struct around it),
	// listed so that ownSections copies it; it has no variable.
	embedded bool
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType    = reflect.TypeFor[time.Duration]()
	secretType      = reflect.TypeFor[hexkit.Secret]()
)

// isSection reports whether t is a struct decoded field by field.
func isSection(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(textUnmarshaler)
}

// sectionOf reports whether t is decoded field by field, and the struct
// type that holds the fields: t itself, or what a pointer t points to.
func sectionOf(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() == reflect.Pointer && isSection(t.Elem()) {
		return t.Elem(), true
	}
	return t, isSection(t)
}

// fieldsOf lists the fields of t and, recursively, of its sections, each
// section before its fields. Embedded structs without a tag name are
// flattened. A pointer to a struct is a section too, unless its struct
// type is already being listed (a recursive type): that one is a leaf.
func fieldsOf(t reflect.Type, keys []string, index []int) []field {
	return fieldsIn(t, keys, index, map[reflect.Type]bool{t: true})
}

func fieldsIn(t reflect.Type, keys []string, index []int, listing map[reflect.Type]bool) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		name, inline, skip := keyOf(sf)
		if skip {
			continue
		}
		if inline {
			st, _ := sectionOf(sf.Type)
			if sf.Type.Kind() == reflect.Pointer {
				if listing[st] {
					continue // a recursive type: nothing new to list
				}
				out = append(out, field{keys: keys, index: idx, section: true, embedded: true})
			}
			listing[st] = true
			out = append(out, fieldsIn(st, keys, idx, listing)...)
			delete(listing, st)
			continue
		}
		k := append(append([]string(nil), keys...), name)
		st, section := sectionOf(sf.Type)
		if section && listing[st] {
			section = false
		}
		out = append(out, field{keys: k, index: idx, section: section})
		if section {
			listing[st] = true
			out = append(out, fieldsIn(st, k, idx, listing)...)
			delete(listing, st)
		}
	}
	return out
}

// fieldAt returns the field of v at index, following pointers to
// sections on the way. alloc allocates the nil ones; without it, ok is
// false at a nil pointer.
func fieldAt(v reflect.Value, index []int, alloc bool) (_ reflect.Value, ok bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !alloc || !v.CanSet() {
					return reflect.Value{}, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// ownSections points every non-nil pointer to a section of v at a copy
// of its struct, so that loading never writes through a pointer that the
// caller's defaults share. fields lists sections before their fields.
func ownSections(v reflect.Value, fields []field) {
	for _, f := range fields {
		if !f.section {
			continue
		}
		fv, ok := fieldAt(v, f.index, false)
		if !ok || fv.Kind() != reflect.Pointer || fv.IsNil() || !fv.CanSet() {
			continue
		}
		c := reflect.New(fv.Type().Elem())
		c.Elem().Set(fv.Elem())
		fv.Set(c)
	}
}

// children lists the direct fields of t (embedded ones flattened).
func children(t reflect.Type) []field {
	var out []field
	for _, f := range fieldsOf(t, nil, nil) {
		if len(f.keys) == 1 && !f.embedded {
			out = append(out, f)
		}
	}
	return out
}

// embeddedSections returns the index paths of t's flattened embedded
// structs and pointers to structs, at any depth.
func embeddedSections(t reflect.Type) [][]int {
	return embeddedIn(t, map[reflect.Type]bool{t: true})
}

func embeddedIn(t reflect.Type, listing map[reflect.Type]bool) [][]int {
	var out [][]int
	for i := range t.NumField() {
		sf := t.Field(i)
		if _, inline, skip := keyOf(sf); inline && !skip {
			st, _ := sectionOf(sf.Type)
			if listing[st] {
				continue
			}
			out = append(out, []int{i})
			listing[st] = true
			for _, sub := range embeddedIn(st, listing) {
				out = append(out, append([]int{i}, sub...))
			}
			delete(listing, st)
		}
	}
	return out
}

// keyOf returns a struct field's key, or whether it is flattened or
// skipped.
func keyOf(sf reflect.StructField) (name string, inline, skip bool) {
	tag := sf.Tag.Get("yaml")
	name, opts, _ := strings.Cut(tag, ",")
	if name == "-" {
		return "", false, true
	}
	if sf.Anonymous && name == "" && isSection(sf.Type) {
		return "", true, false
	}
	if !sf.IsExported() {
		return "", false, true
	}
	// An exported embedded pointer to a struct is flattened too; one of an
	// unexported type could not be allocated, so it is skipped above.
	_, section := sectionOf(sf.Type)
	if section && (sf.Anonymous && name == "" || strings.Contains(opts, "inline")) {
		return "", true, false
	}
	if name == "" {
		name = snake(sf.Name)
	}
	return name, false, false
}

// snake converts a Go name to snake_case, keeping acronyms together:
// MongoURI is mongo_uri, S3Endpoint s3_endpoint, HTTPAddr http_addr.
func snake(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// setValue decodes raw (a YAML value, or a string from the environment)
// into dst. Errors never show the value of a secret.
func setValue(dst reflect.Value, raw any) error {
	t := dst.Type()
	if raw == nil {
		dst.SetZero()
		return nil
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		s, ok := scalarString(raw)
		if !ok {
			return fmt.Errorf("want a scalar, not a %s", kindOf(raw))
		}
		v := reflect.New(t)
		if err := v.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			if t == secretType {
				return errors.New("the secret does not decode")
			}
			return err
		}
		dst.Set(v.Elem())
		return nil
	}
	if t == durationType {
		d, err := duration(raw)
		if err != nil {
			return err
		}
		dst.SetInt(int64(d))
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		v := reflect.New(t.Elem())
		if err := setValue(v.Elem(), raw); err != nil {
			return err
		}
		dst.Set(v)
		return nil
	case reflect.String:
		s, ok := scalarString(raw)
		if !ok {
			return fmt.Errorf("want a string, not a %s", kindOf(raw))
		}
		dst.SetString(s)
		return nil
	case reflect.Bool:
		b, err := boolean(raw)
		if err != nil {
			return err
		}
		dst.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := integer(raw, t.Bits())
		if err != nil {
			return err
		}
		dst.SetInt(n)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := unsigned(raw, t.Bits())
		if err != nil {
			return err
		}
		dst.SetUint(n)
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := float(raw, t.Bits())
		if err != nil {
			return err
		}
		dst.SetFloat(f)
		return nil
	case reflect.Slice:
		items, err := list(raw)
		if err != nil {
			return err
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		var errs []error
		for i, it := range items {
			if err := setValue(s.Index(i), it); err != nil {
				errs = append(errs, fmt.Errorf("item %d: %w", i, err))
			}
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		dst.Set(s)
		return nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("unsupported type %s: map keys must be strings", t)
		}
		m, err := object(raw)
		if err != nil {
			return err
		}
		out := reflect.MakeMapWithSize(t, len(m))
		var errs []error
		for k, v := range m {
			ev := reflect.New(t.Elem()).Elem()
			if err := setValue(ev, v); err != nil {
				errs = append(errs, fmt.Errorf("key %q: %w", k, err))
				continue
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		dst.Set(out)
		return nil
	case reflect.Struct:
		m, err := object(raw)
		if err != nil {
			return err
		}
		byKey := map[string]field{}
		for _, f := range children(t) {
			byKey[f.keys[0]] = f
		}
		v := reflect.New(t).Elem()
		v.Set(dst)
		var errs []error
		for k, raw := range m {
			f, ok := byKey[k]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: unknown key", k))
				continue
			}
			dst, _ := fieldAt(v, f.index, true)
			if err := setValue(dst, raw); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", k, err))
			}
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		dst.Set(v)
		return nil
	}
	return fmt.Errorf("unsupported type %s", t)
}

// kindOf names the YAML or JSON kind of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "mapping"
	case map[any]any:
		return "mapping with keys that are not all strings"
	case []any:
		return "sequence"
	case nil:
		return "null"
	}
	return "scalar"
}

// scalarString returns a scalar as text: numbers and booleans as written.
func scalarString(raw any) (string, bool) {
	switch v := raw.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case int, int64, uint64, bool:
		return fmt.Sprint(v), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

// quote shows a refused value, shortened.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strconv.Quote(s)
}

func boolean(raw any) (bool, error) {
	if b, ok := raw.(bool); ok {
		return b, nil
	}
	s, ok := scalarString(raw)
	if !ok {
		return false, fmt.Errorf("want a boolean, not a %s", kindOf(raw))
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1", "t", "y":
		return true, nil
	case "false", "no", "off", "0", "f", "n":
		return false, nil
	}
	return false, fmt.Errorf("%s is not a boolean", quote(s))
}

func integer(raw any, bits int) (int64, error) {
	switch v := raw.(type) {
	case int:
		return checkInt(int64(v), bits)
	case int64:
		return checkInt(v, bits)
	case uint64:
		if v > math.MaxInt64 {
			return 0, fmt.Errorf("%d overflows a %d-bit integer", v, bits)
		}
		return checkInt(int64(v), bits)
	case float64:
		if v != math.Trunc(v) || v < math.MinInt64 || v >= math.MaxInt64 {
			return 0, fmt.Errorf("%g is not an integer", v)
		}
		return checkInt(int64(v), bits)
	}
	s, ok := scalarString(raw)
	if !ok {
		return 0, fmt.Errorf("want an integer, not a %s", kindOf(raw))
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%s is not a %d-bit integer", quote(s), bits)
	}
	return n, nil
}

func checkInt(n int64, bits int) (int64, error) {
	if bits < 64 && (n < -(1<<(bits-1)) || n >= 1<<(bits-1)) {
		return 0, fmt.Errorf("%d overflows a %d-bit integer", n, bits)
	}
	return n, nil
}

func unsigned(raw any, bits int) (uint64, error) {
	switch v := raw.(type) {
	case uint64:
		return checkUint(v, bits)
	case int, int64, float64:
		n, err := integer(raw, 64)
		if err != nil {
			return 0, err
		}
		if n < 0 {
			return 0, fmt.Errorf("%d is negative", n)
		}
		return checkUint(uint64(n), bits)
	}
	s, ok := scalarString(raw)
	if !ok {
		return 0, fmt.Errorf("want an integer, not a %s", kindOf(raw))
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%s is not a %d-bit unsigned integer", quote(s), bits)
	}
	return n, nil
}

func checkUint(n uint64, bits int) (uint64, error) {
	if bits < 64 && n >= 1<<bits {
		return 0, fmt.Errorf("%d overflows a %d-bit unsigned integer", n, bits)
	}
	return n, nil
}

func float(raw any, bits int) (float64, error) {
	switch v := raw.(type) {
	case float64:
		return v, nil
	case int:
		return float64(v), nil
	case int64:
		return float64(v), nil
	case uint64:
		return float64(v), nil
	}
	s, ok := scalarString(raw)
	if !ok {
		return 0, fmt.Errorf("want a number, not a %s", kindOf(raw))
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), bits)
	if err != nil {
		return 0, fmt.Errorf("%s is not a number", quote(s))
	}
	return f, nil
}

// duration reads "1m30s" or a number of seconds.
func duration(raw any) (time.Duration, error) {
	s, ok := scalarString(raw)
	if !ok {
		return 0, fmt.Errorf("want a duration, not a %s", kindOf(raw))
	}
	s = strings.TrimSpace(s)
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		// float64(math.MaxInt64) is 2^63, one more than the largest
		// Duration; -2^63 is the smallest.
		ns := secs * float64(time.Second)
		if math.IsNaN(ns) || ns >= float64(math.MaxInt64) || ns < float64(math.MinInt64) {
			return 0, fmt.Errorf("%s seconds is out of range", quote(s))
		}
		return time.Duration(ns), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a duration (like 1m30s) or a number of seconds", quote(s))
	}
	return d, nil
}

// list reads a sequence, a JSON array or a comma-separated list.
func list(raw any) ([]any, error) {
	switch v := raw.(type) {
	case []any:
		return v, nil
	case string:
		s := strings.TrimSpace(v)
		if strings.HasPrefix(s, "[") {
			var items []any
			if err := decodeJSON(s, &items); err != nil {
				return nil, fmt.Errorf("not a JSON array: %w", err)
			}
			return items, nil
		}
		var items []any
		for it := range strings.SplitSeq(s, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		return items, nil
	}
	return nil, fmt.Errorf("want a sequence, not a %s", kindOf(raw))
}

// object reads a mapping or a JSON object.
func object(raw any) (map[string]any, error) {
	switch v := raw.(type) {
	case map[string]any:
		return v, nil
	case string:
		var m map[string]any
		if err := decodeJSON(v, &m); err != nil {
			return nil, fmt.Errorf("not a JSON object: %w", err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("want a mapping, not a %s", kindOf(raw))
}

func decodeJSON(s string, v any) error {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}
