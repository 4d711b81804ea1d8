package main

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
	userAge    = dao.MustField[User, int]("age")
	userEmail  = dao.MustField[User, string]("email")
	userName   = dao.MustField[User, string]("name")
	orderTotal = dao.MustField[Order, float64]("total")
)

var (
	users, _  = memdao.New[User, string]()
	orders, _ = memdao.New[Order, string]()
	ctx       = context.Background()
)

var _, _, _, _, _, _ = userAge, userEmail, userName, orderTotal, users, orders

// The typed API used as intended compiles.
func main() {
	_, _ = memdao.New[User, string](dao.WithUnique(userEmail), dao.WithVersionField(userAge))
	_, _ = users.Count(ctx, dao.And(userAge.Gte(18), userName.In("Ada", "Alan")))
	_ = users.Find(ctx, userEmail.Exists(true), dao.OrderBy(userAge.Desc()).Limit(10), dao.Skip[User](1))
	_, _ = orders.FindOne(ctx, orderTotal.Lt(9.5))
}
