package kafka

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// undecodableMessage makes a best-effort message of a record that
// decodeRecord refused, for an events.UndecodableHandler: topic, key,
// payload and timestamp as they are; of a header given more than once the
// first value. It never fails.
func undecodableMessage(r *kgo.Record) *events.Message {
	m := &events.Message{Topic: r.Topic, Key: string(r.Key), Payload: r.Value, Timestamp: r.Timestamp}
	for _, h := range r.Headers {
		v := string(h.Value)
		switch h.Key {
		case events.HeaderType:
			if m.Type == "" {
				m.Type = v
			}
		case events.HeaderEventID:
			if m.EventID == "" {
				m.EventID = v
			}
		case events.HeaderCorrelationID:
			if m.CorrelationID == "" {
				m.CorrelationID = v
			}
		default:
			if m.Headers == nil {
				m.Headers = map[string]string{}
			}
			if _, dup := m.Headers[h.Key]; !dup {
				m.Headers[h.Key] = v
			}
		}
	}
	return m
}
