package kafkatest_test

import (
	"fmt"

	"github.com/hexkit-go/hexkit/kafka/kafkatest"
)

type OrderPlaced struct {
	ID    string `json:"id"`
	Total int    `json:"total"`
}

func (OrderPlaced) EventType() string { return "order_placed" }

// Event builds an expectation from a typed event: its type, key and JSON
// payload. Headers stay nil, so ExpectEvents does not compare them for it.
func ExampleEvent() {
	want := kafkatest.Event("order-1", OrderPlaced{ID: "order-1", Total: 42})
	fmt.Println(want.Type, want.Key, want.Headers == nil)
	// Output: order_placed order-1 true
}
