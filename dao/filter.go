package dao

import (
	"fmt"

	"github.com/hexkit-go/hexkit/dao/driver"
)

// Filter selects documents of type T. Build filters from a [Field] (Eq,
// Ne, Gt, Gte, Lt, Lte, In, Nin, Exists) and combine them with [And] and
// [Or]; the zero Filter (or [All]) matches every document. A Filter[User]
// cannot be given to a DAO of another document type: it does not compile.
// Filters are values: immutable and safe to share.
//
// A filter that cannot be valid (a comparison on a struct, slice or map
// field, a range operator with nil, a NaN, an infinity or a string that is
// not valid UTF-8, an empty Or, a zero Field) remembers why, and every DAO
// call given it fails with [ErrInvalidFilter] before anything is read.
type Filter[T any] struct {
	_   [0]*T // Filter[A] and Filter[B] do not convert into each other
	f   driver.Filter
	err error
}

// All matches every document; it is the zero Filter. Name the document
// type: users.Count(ctx, dao.All[User]()).
func All[T any]() Filter[T] { return Filter[T]{} }

// And matches documents that every filter matches. And() matches every
// document.
func And[T any](filters ...Filter[T]) Filter[T] { return combine(driver.OpAnd, filters) }

// Or matches documents that at least one filter matches. Or needs at least
// one filter.
func Or[T any](filters ...Filter[T]) Filter[T] {
	f := combine(driver.OpOr, filters)
	if len(filters) == 0 && f.err == nil {
		f.err = fmt.Errorf("%w: Or needs at least one filter", ErrInvalidFilter)
	}
	return f
}

func combine[T any](op driver.Op, filters []Filter[T]) Filter[T] {
	out := Filter[T]{f: driver.Filter{Op: op, Filters: make([]driver.Filter, len(filters))}}
	for i, s := range filters {
		if s.err != nil && out.err == nil {
			out.err = s.err
		}
		out.f.Filters[i] = s.f
	}
	return out
}

// Err returns why the filter can never be used, or nil. Every DAO call
// given the filter returns this error; checking it early is optional.
func (f Filter[T]) Err() error { return f.err }

// String formats the filter for messages and logs, e.g.
// And(Gte("age", 18), Eq("address.city", "Rome")).
func (f Filter[T]) String() string { return f.f.String() }

// Sort is one sort key of Find's results: a field of T and a direction,
// made by [Field.Asc] or [Field.Desc].
type Sort[T any] struct {
	_   [0]*T
	key driver.Sort
	err error
}

// FindOption configures Find for documents of type T: [OrderBy], [Skip],
// [Limit], or several of them chained (dao.OrderBy(userAge.Desc()).Limit(10)).
// Skip and Limit alone name the document type: dao.Limit[User](10). Later
// options override the paging of earlier ones; sort keys add up.
type FindOption[T any] struct {
	keys  []Sort[T]
	skip  int64
	limit int64
	set   uint8 // setSkip | setLimit
}

const (
	setSkip uint8 = 1 << iota
	setLimit
)

// OrderBy sorts the results by the given keys, the first one first. Find
// always breaks remaining ties by id ascending, so results come in a
// defined order; without OrderBy they come by id.
func OrderBy[T any](keys ...Sort[T]) FindOption[T] { return FindOption[T]{keys: keys} }

// Skip leaves out the first n results (after sorting). Default 0.
func Skip[T any](n int64) FindOption[T] { return FindOption[T]{skip: n, set: setSkip} }

// Limit returns at most n results; 0, the default, means no limit.
func Limit[T any](n int64) FindOption[T] { return FindOption[T]{limit: n, set: setLimit} }

// Skip returns o that also leaves out the first n results.
func (o FindOption[T]) Skip(n int64) FindOption[T] {
	o.skip, o.set = n, o.set|setSkip
	return o
}

// Limit returns o that also returns at most n results.
func (o FindOption[T]) Limit(n int64) FindOption[T] {
	o.limit, o.set = n, o.set|setLimit
	return o
}
