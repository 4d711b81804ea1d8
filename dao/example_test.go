package dao_test

import (
	"context"
	"errors"
	"fmt"
	"math"

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
	Score   float64 `json:"score"`
	Address Address `json:"address"`
	Version int     `json:"version"`
}

// The fields of User that services filter, sort and index on, checked
// against User once, when the program starts.
var (
	userEmail   = dao.MustField[User, string]("email")
	userAge     = dao.MustField[User, int]("age")
	userCity    = dao.MustField[User, string]("address.city")
	userVersion = dao.MustField[User, int]("version")
)

func Example() {
	ctx := context.Background()
	users, err := memdao.New[User, string](dao.WithUnique(userEmail))
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
	for u, err := range users.Find(ctx, dao.Or(userAge.Gt(40), userCity.Eq("London")),
		dao.OrderBy(userAge.Desc()).Limit(2)) {
		if err != nil {
			panic(err)
		}
		fmt.Println(u.Name, u.Age)
	}
	n, _ := users.Count(ctx, userAge.Lt(50))
	fmt.Println("under 50:", n)
	// Output:
	// Grace 85
	// Alan 41
	// under 50: 2
}

func Example_errors() {
	ctx := context.Background()
	users, _ := memdao.New[User, string](dao.WithUnique(userEmail))
	_ = users.Insert(ctx, User{ID: "u1", Email: "ada@example.org"})

	err := users.Insert(ctx, User{ID: "u2", Email: "ada@example.org"})
	var uv *dao.UniqueViolationError
	fmt.Println(errors.Is(err, dao.ErrUniqueViolation), errors.As(err, &uv) && uv.Fields[0] == "email")

	_, err = users.Get(ctx, "nobody")
	fmt.Println(errors.Is(err, dao.ErrNotFound))

	// Values a database refuses or alters are refused by every provider.
	err = users.Insert(ctx, User{ID: "u3", Email: "x@example.org", Score: math.NaN()})
	fmt.Println(errors.Is(err, dao.ErrInvalidDocument))
	// Output:
	// true true
	// true
	// true
}

// A field name is checked when the field is made: NewField returns the
// error that MustField panics with.
func ExampleNewField() {
	_, err := dao.NewField[User, string]("mail")
	fmt.Println(err)
	_, err = dao.NewField[User, string]("age")
	fmt.Println(err)
	// Output:
	// dao: invalid filter: dao_test.User: unknown field "mail"
	// dao: invalid filter: field "age" of dao_test.User holds int, not string
}

func ExampleWithVersionField() {
	ctx := context.Background()
	users, _ := memdao.New[User, string](dao.WithVersionField(userVersion))
	u := User{ID: "u1", Name: "Ada"}
	_ = users.Insert(ctx, u) // stored with version 0

	u.Name = "Ada Lovelace"
	v, err := users.Update(ctx, u) // version 0 matches: stored as version 1
	fmt.Println(v, err)

	stale := u // still carries version 0
	stale.Name = "someone else"
	_, err = users.Update(ctx, stale)
	fmt.Println(errors.Is(err, dao.ErrConflict))

	u.Version = int(v) // the version Update returned: no need to read again
	u.Name = "Augusta Ada King"
	fmt.Println(users.Update(ctx, u))

	current, _ := users.Get(ctx, "u1")
	fmt.Println(current.Name, current.Version)
	// Output:
	// 1 <nil>
	// true
	// 2 <nil>
	// Augusta Ada King 2
}
