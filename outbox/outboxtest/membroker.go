package outboxtest

import (
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
)

// MemBroker is the in-memory [Broker], over events/memevents.
type MemBroker struct{ b *memevents.Broker }

// NewMemBroker returns an empty in-memory broker, closed when the test
// ends.
func NewMemBroker(tb testing.TB) *MemBroker {
	tb.Helper()
	b, err := memevents.New()
	if err != nil {
		tb.Fatalf("outboxtest: memevents.New() = %v", err)
	}
	tb.Cleanup(func() { _ = b.Close() })
	return &MemBroker{b: b}
}

// Broker returns the underlying memevents broker.
func (m *MemBroker) Broker() *memevents.Broker { return m.b }

// CreateTopic creates topic with the given partitions.
func (m *MemBroker) CreateTopic(tb testing.TB, topic string, partitions int) {
	tb.Helper()
	if err := m.b.CreateTopic(topic, partitions); err != nil {
		tb.Fatalf("outboxtest: CreateTopic(%q, %d) = %v", topic, partitions, err)
	}
}

// Sender returns a memevents sender on the broker.
func (m *MemBroker) Sender(tb testing.TB) events.Sender {
	tb.Helper()
	s, err := memevents.NewSender(m.b)
	if err != nil {
		tb.Fatalf("outboxtest: memevents.NewSender() = %v", err)
	}
	return s
}

// Messages returns the messages stored in topic (memevents.Broker.Messages).
func (m *MemBroker) Messages(_ testing.TB, topic string) []*events.Message {
	return m.b.Messages(topic)
}
