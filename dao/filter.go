package dao

import (
	"fmt"
	"strings"
)

// Op is the operator of a [Filter].
type Op uint8

// Filter operators. All is the zero Filter: it matches every document.
const (
	OpAll    Op = iota // matches every document
	OpEq               // field equals value (a missing field equals nil)
	OpNe               // not OpEq (a missing field is not equal to a non-nil value)
	OpGt               // field greater than value, same kind only
	OpGte              // field greater than or equal to value, same kind only
	OpLt               // field less than value, same kind only
	OpLte              // field less than or equal to value, same kind only
	OpIn               // field equals one of the values
	OpNin              // field equals none of the values
	OpExists           // field is present (even if null) when the value is true
	OpAnd              // every sub-filter matches
	OpOr               // at least one sub-filter matches
)

var opNames = [...]string{"All", "Eq", "Ne", "Gt", "Gte", "Lt", "Lte", "In", "Nin", "Exists", "And", "Or"}

// String returns the operator's constructor name.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Filter selects documents. Build filters with [Eq], [Ne], [Gt], [Gte],
// [Lt], [Lte], [In], [Nin], [Exists], [And] and [Or]; the zero Filter (or
// [All]) matches every document. Fields are named by their json tag names,
// with dots into nested structs ("address.city"). Filters are values:
// immutable and safe to share.
//
// A DAO checks a filter against its document type when it is used: an
// unknown field, a value of the wrong type, or a comparison on a field
// that is not a scalar fails with [ErrInvalidFilter] before anything is read.
type Filter struct {
	op     Op
	field  string
	values []Value
	exists bool
	subs   []Filter
	err    error
}

// All matches every document; it is the zero Filter.
func All() Filter { return Filter{} }

func compare(op Op, field string, v any) Filter {
	f := Filter{op: op, field: field}
	val, err := ValueOf(v)
	if err != nil {
		f.err = fmt.Errorf("%w: %s(%q): %v", ErrInvalidFilter, op, field, err)
		return f
	}
	if val.Kind() == Null && op >= OpGt && op <= OpLte {
		f.err = fmt.Errorf("%w: %s(%q): nil has no order; use Eq, Ne or Exists", ErrInvalidFilter, op, field)
	}
	f.values = []Value{val}
	return f
}

// Eq matches documents whose field equals v. Eq(field, nil) matches a null
// or missing field. Numbers compare by value across types (1 equals 1.0).
func Eq(field string, v any) Filter { return compare(OpEq, field, v) }

// Ne matches documents whose field does not equal v, including documents
// where the field is missing (unless v is nil).
func Ne(field string, v any) Filter { return compare(OpNe, field, v) }

// Gt matches documents whose field is greater than v. Like every range
// operator it only matches values of v's kind: a null or missing field
// never matches.
func Gt(field string, v any) Filter { return compare(OpGt, field, v) }

// Gte matches documents whose field is greater than or equal to v.
func Gte(field string, v any) Filter { return compare(OpGte, field, v) }

// Lt matches documents whose field is less than v.
func Lt(field string, v any) Filter { return compare(OpLt, field, v) }

// Lte matches documents whose field is less than or equal to v.
func Lte(field string, v any) Filter { return compare(OpLte, field, v) }

func set(op Op, field string, vs []any) Filter {
	f := Filter{op: op, field: field, values: make([]Value, 0, len(vs))}
	for _, v := range vs {
		val, err := ValueOf(v)
		if err != nil {
			f.err = fmt.Errorf("%w: %s(%q): %v", ErrInvalidFilter, op, field, err)
			return f
		}
		f.values = append(f.values, val)
	}
	return f
}

// In matches documents whose field equals one of vs. In with no values
// matches nothing.
func In(field string, vs ...any) Filter { return set(OpIn, field, vs) }

// Nin matches documents whose field equals none of vs (a missing field
// matches unless vs holds nil). Nin with no values matches everything.
func Nin(field string, vs ...any) Filter { return set(OpNin, field, vs) }

// Exists matches documents where the field is present (when want is true)
// or absent (when want is false). A field holding null is present; a field
// left out by the `omitempty` tag option is absent. Exists also works on
// fields that are structs, slices or maps.
func Exists(field string, want bool) Filter {
	return Filter{op: OpExists, field: field, exists: want}
}

// And matches documents that every filter matches. And() matches every
// document.
func And(filters ...Filter) Filter {
	return Filter{op: OpAnd, subs: append([]Filter(nil), filters...)}
}

// Or matches documents that at least one filter matches. Or needs at least
// one filter.
func Or(filters ...Filter) Filter {
	f := Filter{op: OpOr, subs: append([]Filter(nil), filters...)}
	if len(filters) == 0 {
		f.err = fmt.Errorf("%w: Or needs at least one filter", ErrInvalidFilter)
	}
	return f
}

// Op returns the filter's operator.
func (f Filter) Op() Op { return f.op }

// Field returns the dotted field path the filter tests ("" for All, And
// and Or).
func (f Filter) Field() string { return f.field }

// Value returns the single value of Eq, Ne, Gt, Gte, Lt and Lte.
func (f Filter) Value() Value {
	if len(f.values) == 0 {
		return Value{}
	}
	return f.values[0]
}

// Values returns the values of In and Nin.
func (f Filter) Values() []Value { return f.values }

// Want returns the argument of Exists.
func (f Filter) Want() bool { return f.exists }

// Filters returns the sub-filters of And and Or.
func (f Filter) Filters() []Filter { return f.subs }

// String formats the filter for messages and logs.
func (f Filter) String() string {
	var b strings.Builder
	f.format(&b)
	return b.String()
}

func (f Filter) format(b *strings.Builder) {
	b.WriteString(f.op.String())
	b.WriteByte('(')
	switch f.op {
	case OpAll:
	case OpAnd, OpOr:
		for i, s := range f.subs {
			if i > 0 {
				b.WriteString(", ")
			}
			s.format(b)
		}
	case OpExists:
		fmt.Fprintf(b, "%q, %t", f.field, f.exists)
	default:
		fmt.Fprintf(b, "%q", f.field)
		for _, v := range f.values {
			b.WriteString(", ")
			b.WriteString(v.String())
		}
	}
	b.WriteByte(')')
}
