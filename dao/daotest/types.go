package daotest

import (
	"github.com/hexkit-go/hexkit/dao"
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
	ID      string             `json:"id"`
	Name    string             `json:"name"`
	Email   string             `json:"email"`
	Tenant  string             `json:"tenant"`
	Age     int                `json:"age"`
	Score   float64            `json:"score"`
	Active  bool               `json:"active"`
	Nick    *string            `json:"nick,omitempty"`
	Born    time.Time          `json:"born"`
	Address Address            `json:"address"`
	Home    *Address           `json:"home,omitempty"`
	Tags    []string           `json:"tags"`
	Attrs   map[string]string  `json:"attrs,omitempty"`
	Avatar  []byte             `json:"avatar,omitempty"`
	Ratings map[string]float64 `json:"ratings,omitempty"`
	Version int                `json:"version"`
	Note    string             `json:"-"`
}

// Counter has integer ids, and integer fields of the narrower version
// types and an omitempty one for the version tests.
type Counter struct {
	ID   int64  `json:"id"`
	N    int    `json:"n"`
	Big  uint64 `json:"big,omitempty"`
	Rev  int32  `json:"rev"`
	Gen  uint32 `json:"gen"`
	Hits int    `json:"hits,omitempty"`
}

// Ticket has uuid.UUID ids and fields. They compare and sort as their
// canonical strings with every provider; the MongoDB provider stores them
// as binary UUIDs (subtype 4).
type Ticket struct {
	ID    uuid.UUID  `json:"id"`
	Title string     `json:"title"`
	Owner uuid.UUID  `json:"owner"`
	Ref   *uuid.UUID `json:"ref,omitempty"`
}

// Typed references to the suite's fields.
var (
	pID       = dao.MustField[Person, string]("id")
	pName     = dao.MustField[Person, string]("name")
	pEmail    = dao.MustField[Person, string]("email")
	pTenant   = dao.MustField[Person, string]("tenant")
	pAge      = dao.MustField[Person, int]("age")
	pScore    = dao.MustField[Person, float64]("score")
	pActive   = dao.MustField[Person, bool]("active")
	pNick     = dao.MustField[Person, *string]("nick")
	pBorn     = dao.MustField[Person, time.Time]("born")
	pAddress  = dao.MustField[Person, Address]("address")
	pStreet   = dao.MustField[Person, string]("address.street")
	pCity     = dao.MustField[Person, string]("address.city")
	pZip      = dao.MustField[Person, *string]("address.zip")
	pHome     = dao.MustField[Person, *Address]("home")
	pHomeCity = dao.MustField[Person, string]("home.city")
	// pCityOpt and pHomeCityOpt test for null and missing values.
	pCityOpt     = dao.MustField[Person, *string]("address.city")
	pHomeCityOpt = dao.MustField[Person, *string]("home.city")
	pTags        = dao.MustField[Person, []string]("tags")
	pAttrs       = dao.MustField[Person, map[string]string]("attrs")
	pAvatar      = dao.MustField[Person, []byte]("avatar")
	pVersion     = dao.MustField[Person, int]("version")

	cID   = dao.MustField[Counter, int64]("id")
	cRev  = dao.MustField[Counter, int32]("rev")
	cGen  = dao.MustField[Counter, uint32]("gen")
	cHits = dao.MustField[Counter, int]("hits")

	tOwner = dao.MustField[Ticket, uuid.UUID]("owner")
	tRef   = dao.MustField[Ticket, uuid.UUID]("ref")
)
