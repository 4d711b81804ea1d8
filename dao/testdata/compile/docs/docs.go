// Package docs holds the document types, fields and DAOs that the
// programs next to it misuse on purpose.
package docs

import (
	"context"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Age   int    `json:"age"`
}

type Order struct {
	ID    string  `json:"id"`
	Total float64 `json:"total"`
}

var (
	UserAge    = dao.MustField[User, int]("age")
	UserEmail  = dao.MustField[User, string]("email")
	UserName   = dao.MustField[User, string]("name")
	OrderTotal = dao.MustField[Order, float64]("total")
)

var (
	Users, _  = memdao.New[User, string]()
	Orders, _ = memdao.New[Order, string]()
	Ctx       = context.Background()
)
