package daotest

import (
	"time"

	"github.com/google/uuid"
)

// Address is a nested document inside [Person].
type Address struct {
	Street string  `json:"street"`
	City   string  `json:"city,omitempty"`
	Zip    *string `json:"zip"`
}

// Person is the suite's main document type: string ids, every supported
// field kind, nested structs, pointers, omitempty fields and a version.
type Person struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Email   string            `json:"email"`
	Tenant  string            `json:"tenant"`
	Age     int               `json:"age"`
	Score   float64           `json:"score"`
	Active  bool              `json:"active"`
	Nick    *string           `json:"nick,omitempty"`
	Born    time.Time         `json:"born"`
	Address Address           `json:"address"`
	Home    *Address          `json:"home,omitempty"`
	Tags    []string          `json:"tags"`
	Attrs   map[string]string `json:"attrs,omitempty"`
	Avatar  []byte            `json:"avatar,omitempty"`
	Version int               `json:"version"`
	Note    string            `json:"-"`
}

// Counter has integer ids.
type Counter struct {
	ID  int64  `json:"id"`
	N   int    `json:"n"`
	Big uint64 `json:"big,omitempty"`
}

// Ticket has uuid.UUID ids, stored in their string form.
type Ticket struct {
	ID    uuid.UUID  `json:"id"`
	Title string     `json:"title"`
	Owner uuid.UUID  `json:"owner"`
	Ref   *uuid.UUID `json:"ref,omitempty"`
}
