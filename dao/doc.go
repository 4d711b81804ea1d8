// Package dao will hold hexkit's typed data access protocol, DAO[T, ID],
// with typed filters, sorting and pagination, plus its sentinel errors.
//
// This package is a placeholder: it has no code yet. The protocol lands with
// its own issue, together with an in-memory fake and a conformance suite.
package dao
