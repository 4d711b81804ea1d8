package dao_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

type Address struct {
	City string `json:"city"`
}

type User struct {
	ID      string  `json:"id"`
	Email   string  `json:"email"`
	Name    string  `json:"name"`
	Age     int     `json:"age"`
	Address Address `json:"address"`
	Version int     `json:"version"`
}

func Example() {
	ctx := context.Background()
	users, err := memdao.New[User, string](dao.WithUnique("email"))
	if err != nil {
		panic(err)
	}
	for _, u := range []User{
		{ID: "u1", Email: "ada@example.org", Name: "Ada", Age: 36, Address: Address{City: "London"}},
		{ID: "u2", Email: "alan@example.org", Name: "Alan", Age: 41, Address: Address{City: "Wilmslow"}},
		{ID: "u3", Email: "grace@example.org", Name: "Grace", Age: 85, Address: Address{City: "Arlington"}},
	} {
		if err := users.Insert(ctx, u); err != nil {
			panic(err)
		}
	}
	for u, err := range users.Find(ctx, dao.Or(dao.Gt("age", 40), dao.Eq("address.city", "London")),
		dao.OrderBy(dao.Desc("age")), dao.Limit(2)) {
		if err != nil {
			panic(err)
		}
		fmt.Println(u.Name, u.Age)
	}
	n, _ := users.Count(ctx, dao.Lt("age", 50))
	fmt.Println("under 50:", n)
	// Output:
	// Grace 85
	// Alan 41
	// under 50: 2
}

func Example_errors() {
	ctx := context.Background()
	users, _ := memdao.New[User, string](dao.WithUnique("email"))
	_ = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org"})

	err := users.Insert(ctx, User{ID: "u2", Email: "ada@example.org"})
	var uv *dao.UniqueViolationError
	fmt.Println(errors.Is(err, dao.ErrUniqueViolation), errors.As(err, &uv) && uv.Fields[0] == "email")

	_, err = users.Get(ctx, "nobody")
	fmt.Println(errors.Is(err, dao.ErrNotFound))

	_, err = users.Count(ctx, dao.Eq("mail", "x"))
	fmt.Println(err)
	// Output:
	// true true
	// true
	// dao: invalid filter: Eq("mail", "x"): unknown field "mail"
}

func ExampleWithVersionField() {
	ctx := context.Background()
	users, _ := memdao.New[User, string](dao.WithVersionField("version"))
	u := User{ID: "u1", Name: "Ada"}
	_ = users.Insert(ctx, u) // stored with version 0

	u.Name = "Ada Lovelace"
	fmt.Println(users.Update(ctx, u)) // version 0 matches: stored as version 1

	stale := u // still carries version 0
	stale.Name = "someone else"
	fmt.Println(errors.Is(users.Update(ctx, stale), dao.ErrConflict))

	current, _ := users.Get(ctx, "u1")
	fmt.Println(current.Name, current.Version)
	// Output:
	// <nil>
	// true
	// Ada Lovelace 1
}
