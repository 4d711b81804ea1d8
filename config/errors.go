package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every error of [Load]: an
// unreadable or missing configuration file, a value that does not decode,
// an unknown YAML key, or a field its Validate method refused.
var ErrInvalid = errors.New("config: invalid configuration")

// FieldError is one problem with one field.
type FieldError struct {
	// Field is the field's key path, keys joined with ".", for example
	// "kafka.brokers"; empty for a problem with the whole configuration.
	Field string
	// Source tells where the refused value came from, for example
	// "env FILEREGISTRY_TOPIC" or "/etc/svc.yaml"; empty for a problem
	// found by a Validate method.
	Source string
	// Err describes the problem.
	Err error
}

// Invalid returns a *FieldError for field with a message built by
// fmt.Sprintf. Validate methods return these (joined with errors.Join) so
// that [Load] lists each under the field's name.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Error returns "field (source): problem".
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field)
	if e.Source != "" {
		if e.Field != "" {
			b.WriteString(" ")
		}
		b.WriteString("(" + e.Source + ")")
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *FieldError) Unwrap() error { return e.Err }

// Error is the one error [Load] returns for a configuration with problems:
// it lists every one of them.
type Error struct {
	// Prefix is the prefix given to Load.
	Prefix string
	// Fields are the problems: first the values that did not decode, then
	// those the Validate methods reported.
	Fields []*FieldError
}

// Error lists every problem, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (prefix %s): ", ErrInvalid, e.Prefix)
	if len(e.Fields) == 1 {
		b.WriteString(e.Fields[0].Error())
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems:", len(e.Fields))
	for _, f := range e.Fields {
		b.WriteString("\n\t" + f.Error())
	}
	return b.String()
}

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the field errors, so errors.As reaches each *FieldError.
func (e *Error) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// Validator is implemented by configuration structs that check
// themselves. [Load] calls Validate on the configuration and on every
// struct inside it (nested, embedded, pointed to by a non-nil pointer, or
// an item of a slice, an array or a map, directly or through a pointer)
// that implements it, after all sources are applied. Return nil, or the
// problems joined with errors.Join, each made with [Invalid] naming the
// field by its key relative to the struct that reports it; Load prefixes
// the keys of nested structs, and those of an item with the item's index
// or map key: "items.0.port", "limits.eu.port". A struct that embeds a
// Validator gets its Validate method, so Load calls that method on the
// outer struct too; through an embedded pointer that no source set it is
// called with a nil receiver, which it must accept.
type Validator interface {
	Validate() error
}
