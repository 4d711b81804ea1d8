package daotest_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

// newDAO is a harness function for the in-memory provider. memdao keeps
// nothing outside the returned value, so it needs no cleanup and ignores tb;
// a database provider creates a fresh collection and drops it in tb.Cleanup.
func newDAO[T any, ID comparable](_ testing.TB, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
	return memdao.New[T, ID](opts...)
}

// A provider's test builds a Harness and passes it to Run with a *testing.T:
//
//	func TestConformance(t *testing.T) { daotest.Run(t, h, daotest.Features{}) }
//
// The suite calls each function once per subtest, with the options the
// subtest needs, as this example does by hand with one of the rules it checks:
// a document with NaN is refused, since a database would not store it.
func ExampleHarness() {
	h := daotest.Harness{
		People:   newDAO[daotest.Person, string],
		Counters: newDAO[daotest.Counter, int64],
		Tickets:  newDAO[daotest.Ticket, uuid.UUID],
	}
	ctx := context.Background()
	people, err := h.People(nil, dao.WithVersionField(dao.MustField[daotest.Person, int]("version")))
	if err != nil {
		panic(err)
	}
	fmt.Println(people.Insert(ctx, daotest.Person{ID: "p1", Name: "Ada", Score: 1.5}))
	err = people.Insert(ctx, daotest.Person{ID: "p2", Name: "Bob", Score: math.NaN()})
	fmt.Println(errors.Is(err, dao.ErrInvalidDocument))
	n, _ := people.Count(ctx, dao.All[daotest.Person]())
	fmt.Println(n, "stored")
	// Output:
	// <nil>
	// true
	// 1 stored
}
