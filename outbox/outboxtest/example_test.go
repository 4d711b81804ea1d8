package outboxtest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/outbox"
	"github.com/hexkit-go/hexkit/outbox/outboxtest"
)

// memBroker is a Broker over memevents, written out to show the three
// methods a broker's test provides (NewMemBroker is the suite's own).
type memBroker struct{ b *memevents.Broker }

func (m memBroker) CreateTopic(_ testing.TB, topic string, partitions int) {
	_ = m.b.CreateTopic(topic, partitions)
}

func (m memBroker) Sender(testing.TB) events.Sender {
	s, _ := memevents.NewSender(m.b)
	return s
}

func (m memBroker) Messages(_ testing.TB, topic string) []*events.Message {
	return m.b.Messages(topic)
}

// A provider's test passes Run a function that builds a fresh Harness per
// subtest:
//
//	func TestConformance(t *testing.T) {
//		outboxtest.Run(t, func(t *testing.T) outboxtest.Harness { return newHarness(t) })
//	}
//
// Within one harness, names are shared as in one database: the suite plays
// two instances of a service with two relays and two DAOs over one
// collection, as this example does by hand.
func ExampleNewMemHarness() {
	b, _ := memevents.New()
	defer b.Close()
	h := outboxtest.NewMemHarness(nil, memBroker{b})
	h.Broker().CreateTopic(nil, "docs", 1)
	sender := h.Broker().Sender(nil)
	r1, _ := h.NewRelay(sender)
	r2, _ := h.NewRelay(sender)
	d1, _ := h.Docs(r1, "docs", "docs")
	d2, _ := h.Docs(r2, "docs", "docs")

	ctx := context.Background()
	_ = d2.Insert(ctx, outboxtest.Doc{ID: "a", Name: "written by instance 2"})
	n, _ := d1.PublishPending(ctx)
	fmt.Println("instance 1 published", n)
	_, err := d2.PublishPending(ctx)
	fmt.Println("instance 2:", errors.Is(err, outbox.ErrLeaseHeld))
	for _, m := range h.Broker().Messages(nil, "docs") {
		fmt.Println(m.Type, m.Key, string(m.Payload))
	}
	// Output:
	// instance 1 published 1
	// instance 2: true
	// upserted a {"id":"a","name":"written by instance 2","n":0,"version":0}
}
