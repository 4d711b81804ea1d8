package driver

// Names of the reserved headers, as package events declares them
// (events.HeaderType, events.HeaderEventID, events.HeaderCorrelationID;
// TestRecordSize checks that they agree).
const (
	headerType          = "type"
	headerEventID       = "event_id"
	headerCorrelationID = "correlation_id"
)

// batchFraming is what Kafka's producer counts, beyond the record itself,
// for a record batch holding one record before it knows which produce
// request version the broker speaks: the larger, non-flexible framing
// (measured against Apache Kafka and kfake through franz-go, at limits
// from 600 bytes to 1 MiB). Once a broker has answered a produce request,
// franz-go counts 3 bytes less.
const batchFraming = 65

// RecordSize is the size that Kafka's producer checks against its batch
// size limit (kafka.Config.MaxMessageSize, 1 MiB by default) for m, which
// it sends alone in a record batch when it does not fit beside others:
// the record (key, payload, and every header's name and value, the three
// reserved ones included, each behind its varint length, plus the
// record's own length, attributes and offset and timestamp deltas) and
// 65 bytes of batch framing, as franz-go counts it on a client's first
// send. The kafka provider refuses a message over its limit by this count
// on every send, and a provider with a size limit of its own (memevents)
// counts a message with RecordSize too, so that at the same limit both
// refuse exactly the same messages.
func RecordSize(m *Message) int {
	n := 3 + // attributes, timestamp delta, offset delta: one byte each in a batch of one
		varintLen(len(m.Key)) + len(m.Key) +
		varintLen(len(m.Payload)) + len(m.Payload) +
		varintLen(3+len(m.Headers)) +
		headerLen(headerType, m.Type) + headerLen(headerEventID, m.EventID) +
		headerLen(headerCorrelationID, m.CorrelationID)
	for k, v := range m.Headers {
		n += headerLen(k, v)
	}
	return batchFraming + varintLen(n) + n
}

func headerLen(k, v string) int {
	return varintLen(len(k)) + len(k) + varintLen(len(v)) + len(v)
}

// varintLen is the length of n as Kafka's zig-zag varint.
func varintLen(n int) int {
	u := uint64(n) << 1
	l := 1
	for u >= 0x80 {
		u >>= 7
		l++
	}
	return l
}
