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

// want: string does not satisfy int \| int32 \| int64 \| uint32
func main() {
	_, _ = memdao.New[User, string](dao.WithVersionField(userName))
}
