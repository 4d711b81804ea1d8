package driver

import (
	"fmt"
	"strings"
)

// Op is the operator of a [Filter].
type Op uint8

// Filter operators. OpAll is the zero Filter: it matches every document.
const (
	OpAll    Op = iota // matches every document
	OpEq               // field equals Value (a missing field equals null)
	OpNe               // not OpEq (a missing field is not equal to a non-null value)
	OpGt               // field greater than Value, same kind only
	OpGte              // field greater than or equal to Value, same kind only
	OpLt               // field less than Value, same kind only
	OpLte              // field less than or equal to Value, same kind only
	OpIn               // field equals one of Values
	OpNin              // field equals none of Values
	OpExists           // field is present (even if null) when Exists is true
	OpAnd              // every one of Filters matches
	OpOr               // at least one of Filters matches
)

var opNames = [...]string{"All", "Eq", "Ne", "Gt", "Gte", "Lt", "Lte", "In", "Nin", "Exists", "And", "Or"}

// String returns the operator's name.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", uint8(o))
}

// Filter is a checked filter as a driver receives it. Every field it names
// exists in the document type and holds a scalar (except for OpExists);
// every value is of the field's kind or null, and passes [Value.Check].
// Drivers translate it with MongoDB's semantics: a missing field equals
// null, OpNe and OpNin match documents that lack the field, range
// operators match only values of the same kind, numbers compare across
// integer and float.
type Filter struct {
	Op      Op
	Field   string   // dotted json path; the id field under its json name
	Value   Value    // OpEq, OpNe, OpGt, OpGte, OpLt, OpLte
	Values  []Value  // OpIn, OpNin (may be empty)
	Exists  bool     // OpExists
	Filters []Filter // OpAnd (may be empty: all), OpOr (never empty)
}

// String formats the filter for messages and logs, e.g.
// And(Eq("age", 3), Exists("nick", false)).
func (f Filter) String() string {
	var b strings.Builder
	f.format(&b)
	return b.String()
}

func (f Filter) format(b *strings.Builder) {
	b.WriteString(f.Op.String())
	b.WriteByte('(')
	switch f.Op {
	case OpAll:
	case OpAnd, OpOr:
		for i, s := range f.Filters {
			if i > 0 {
				b.WriteString(", ")
			}
			s.format(b)
		}
	case OpExists:
		fmt.Fprintf(b, "%q, %t", f.Field, f.Exists)
	case OpIn, OpNin:
		fmt.Fprintf(b, "%q", f.Field)
		for _, v := range f.Values {
			b.WriteString(", ")
			b.WriteString(v.String())
		}
	default:
		fmt.Fprintf(b, "%q, %s", f.Field, f.Value)
	}
	b.WriteByte(')')
}
