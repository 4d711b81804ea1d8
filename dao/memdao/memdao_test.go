package memdao_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/daotest"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

func newDAO[T any, ID comparable](_ testing.TB, opts ...dao.Option[T]) (dao.DAO[T, ID], error) {
	return memdao.New[T, ID](opts...)
}

func TestConformance(t *testing.T) {
	daotest.Run(t, daotest.Harness{
		People:   newDAO[daotest.Person, string],
		Counters: newDAO[daotest.Counter, int64],
		Tickets:  newDAO[daotest.Ticket, uuid.UUID],
	}, daotest.Features{})
}

func TestAsReachesNothing(t *testing.T) {
	d, err := memdao.New[daotest.Counter, int64]()
	if err != nil {
		t.Fatal(err)
	}
	var target any
	if d.As(&target) {
		t.Error("As reported a native type; the in-memory DAO has none")
	}
}
