// Package driver is the provider contract of the dao protocol: what a
// provider (the MongoDB provider, dao/memdao) implements and receives.
// Services never import it; they use package dao, whose constructor dao.New
// wraps a [Collection] into the typed dao.DAO[T, ID].
//
// # Semantics
//
// Everything providers share happens once in package dao: checking the
// document type and options, checking filters and sorts against it,
// refusing values a database refuses or alters (NaN and infinities,
// invalid UTF-8, map keys starting with '$' or holding '.' or NUL), bumping
// versions, turning a [UniqueViolationError] into the user-facing one. A
// driver receives only valid input, described by [Schema], [Filter],
// [Query] and [Replace], and follows MongoDB's semantics, written on each
// type and method.
//
// # Errors
//
// The sentinels are declared here and re-exported by package dao under the
// same names, so errors.Is matches whichever layer made the error. A driver
// wraps the sentinel together with its native error in one mapError
// function. Context errors pass through unwrapped.
package driver
