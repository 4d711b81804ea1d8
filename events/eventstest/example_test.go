package eventstest_test

import (
	"fmt"

	"github.com/hexkit-go/hexkit/events/eventstest"
)

type OrderPlaced struct {
	ID string `json:"id"`
}

func (OrderPlaced) EventType() string { return "order_placed" }

// An expectation for Recorder.Expect (and kafkatest's ExpectEvents): the
// payload is compared as JSON, headers only where they are set.
func ExampleEvent() {
	want := []eventstest.Expected{
		eventstest.Event("order-1", OrderPlaced{ID: "order-1"}),
		{Type: "order_placed", Key: "order-2", Payload: `{"id": "order-2"}`, Headers: map[string]string{"tenant": "t1"}},
	}
	for _, w := range want {
		fmt.Println(w.Type, w.Key, w.Headers)
	}
	// Output:
	// order_placed order-1 map[]
	// order_placed order-2 map[tenant:t1]
}
