package driver_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/hexkit-go/hexkit/dao"
	"github.com/hexkit-go/hexkit/dao/driver"
)

// Compare orders values as MongoDB does: by kind first (null, numbers,
// strings, binary, booleans, times), then by value, with integers and floats
// compared numerically. Every provider that sorts or matches in memory uses it,
// so all sort mixed and missing values alike.
func ExampleCompare() {
	vals := []driver.Value{
		driver.BoolValue(false),
		driver.StringValue("b"),
		driver.FloatValue(2.5),
		driver.NullValue(),
		driver.IntValue(3),
		driver.StringValue("a"),
		driver.IntValue(-1),
	}
	slices.SortFunc(vals, driver.Compare)
	fmt.Println(vals)
	fmt.Println(driver.Compare(driver.IntValue(1), driver.FloatValue(1.0)))
	// Output:
	// [null -1 2.5 3 "a" "b" false]
	// 0
}

// Key is equal for values that Compare reports equal: an in-memory provider
// indexes unique fields by it.
func ExampleValue_Key() {
	one, oneFloat := driver.IntValue(1), driver.FloatValue(1.0)
	fmt.Println(one.Key() == oneFloat.Key())
	fmt.Println(one.Key() == driver.StringValue("1").Key())
	// Output:
	// true
	// false
}

// Check says why a database would refuse or alter a value. The portable layer
// calls it before a driver sees a document or a filter, so drivers never
// receive such values.
func ExampleValue_Check() {
	fmt.Println(driver.FloatValue(math.NaN()).Check() != nil)
	fmt.Println(driver.StringValue("caf\xe9").Check() != nil)
	fmt.Println(driver.StringValue("café").Check())
	// Output:
	// true
	// true
	// <nil>
}

// TruncateTime returns a time as a database keeps it; TimeValue applies it.
func ExampleTruncateTime() {
	t := time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
	fmt.Println(driver.TruncateTime(t))
	fmt.Println(driver.TimeValue(t).Interface() == any(driver.TruncateTime(t)))
	// Output:
	// 2024-05-01 10:00:00.123 +0000 UTC
	// true
}

// A Filter is what a driver receives from the portable layer, already
// checked against the document type; String formats it for messages.
func ExampleFilter() {
	f := driver.Filter{Op: driver.OpAnd, Filters: []driver.Filter{
		{Op: driver.OpGte, Field: "age", Value: driver.IntValue(18)},
		{Op: driver.OpIn, Field: "address.city", Values: []driver.Value{
			driver.StringValue("Oslo"), driver.StringValue("Bergen"),
		}},
	}}
	fmt.Println(f)
	// Output:
	// And(Gte("age", 18), In("address.city", "Oslo", "Bergen"))
}

// printCollection is a toy provider that implements only Init and Insert;
// the embedded interface stands for the methods it leaves out.
type printCollection struct{ driver.Collection }

func (printCollection) Init(ctx context.Context, s driver.Schema) error {
	fmt.Printf("init: id %q, version %q, unique %v\n", s.IDField, s.VersionField, s.Unique)
	return nil
}

func (printCollection) Insert(ctx context.Context, id driver.Value, doc any) error {
	fmt.Printf("insert %v: %+v\n", id, *doc.(*Player))
	return nil
}

type Player struct {
	ID      string  `json:"id"`
	Email   string  `json:"email"`
	Score   float64 `json:"score"`
	Version int     `json:"version"`
}

// A provider implements driver.Collection; the bridge dao.New checks the
// document type and the options, hands the collection the checked schema
// once, and wraps it into the typed dao.DAO services use. Documents are
// checked before the driver sees them: a NaN never reaches it.
func ExampleCollection() {
	ctx := context.Background()
	players, err := dao.New[Player, string](ctx, printCollection{},
		dao.WithUnique(dao.MustField[Player, string]("email")),
		dao.WithVersionField(dao.MustField[Player, int]("version")))
	if err != nil {
		panic(err)
	}
	err = players.Insert(ctx, Player{ID: "p1", Email: "ada@example.org", Score: 1.5})
	fmt.Println("insert:", err)
	err = players.Insert(ctx, Player{ID: "p2", Email: "bob@example.org", Score: math.NaN()})
	fmt.Println("refused before the driver:", errors.Is(err, dao.ErrInvalidDocument))
	// Output:
	// init: id "id", version "version", unique [[email]]
	// insert "p1": {ID:p1 Email:ada@example.org Score:1.5 Version:0}
	// insert: <nil>
	// refused before the driver: true
}
