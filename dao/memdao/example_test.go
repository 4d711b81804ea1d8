package memdao_test

import (
	"context"
	"fmt"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/memdao"
)

type Order struct {
	ID      int64     `json:"id"`
	Item    string    `json:"item"`
	Placed  time.Time `json:"placed"`
	Comment *string   `json:"comment,omitempty"`
}

var orderComment = dao.MustField[Order, *string]("comment")

func Example() {
	ctx := context.Background()
	orders, err := memdao.New[Order, int64]()
	if err != nil {
		panic(err)
	}
	placed := time.Date(2026, 11, 27, 10, 30, 0, 123_456_789, time.UTC)
	note := "gift"
	_ = orders.Insert(ctx, Order{ID: 10, Item: "book", Placed: placed, Comment: &note})
	_ = orders.Insert(ctx, Order{ID: 2, Item: "pen", Placed: placed})

	// Missing fields sort first, as in MongoDB; ties are broken by id.
	for o, err := range orders.Find(ctx, dao.All[Order](), dao.OrderBy(orderComment.Asc())) {
		if err != nil {
			panic(err)
		}
		fmt.Println(o.ID, o.Item, o.Placed.Format(time.RFC3339Nano))
	}
	// Output:
	// 2 pen 2026-11-27T10:30:00.123Z
	// 10 book 2026-11-27T10:30:00.123Z
}
