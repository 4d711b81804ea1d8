package kafka

import (
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
)

// encodeRecords translates valid messages into records: key = ASCII key,
// value = payload, headers type, event_id, correlation_id and the user's
// headers. Messages whose skip[i] is not nil are skipped. Every record of one
// call shares three allocations (records, headers, bytes), so a batch costs
// the same few allocations whatever its size. The payloads are not copied.
func encodeRecords(msgs []*events.Message, skip []error) []kgo.Record {
	nHeaders, nBytes := 0, 0
	for i, m := range msgs {
		if skip[i] != nil {
			continue
		}
		nHeaders += 3 + len(m.Headers)
		nBytes += len(m.Key) + len(m.Type) + len(m.EventID) + len(m.CorrelationID)
		for _, v := range m.Headers {
			nBytes += len(v)
		}
	}
	recs := make([]kgo.Record, len(msgs))
	hdrs := make([]kgo.RecordHeader, 0, nHeaders)
	buf := make([]byte, 0, nBytes)
	for i, m := range msgs {
		if skip[i] != nil {
			continue
		}
		r := &recs[i]
		r.Topic = m.Topic
		r.Value = m.Payload
		if m.Key != "" {
			start := len(buf)
			buf = append(buf, m.Key...)
			r.Key = buf[start:len(buf):len(buf)]
		}
		first := len(hdrs)
		hdrs, buf = appendHeader(hdrs, buf, events.HeaderType, m.Type)
		hdrs, buf = appendHeader(hdrs, buf, events.HeaderEventID, m.EventID)
		hdrs, buf = appendHeader(hdrs, buf, events.HeaderCorrelationID, m.CorrelationID)
		for k, v := range m.Headers {
			hdrs, buf = appendHeader(hdrs, buf, k, v)
		}
		r.Headers = hdrs[first:len(hdrs):len(hdrs)]
	}
	return recs
}

func appendHeader(hdrs []kgo.RecordHeader, buf []byte, key, value string) ([]kgo.RecordHeader, []byte) {
	start := len(buf)
	buf = append(buf, value...)
	return append(hdrs, kgo.RecordHeader{Key: key, Value: buf[start:len(buf):len(buf)]}), buf
}

// RecordError reports a consumed record that could not be turned into a
// valid message (a missing, duplicated or invalid header). It wraps the
// validation error, so errors.Is(err, events.ErrInvalidMessage) holds.
type RecordError struct {
	Topic     string
	Partition int32
	Offset    int64
	Err       error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("kafka: record %s/%d@%d: %v", e.Topic, e.Partition, e.Offset, e.Err)
}

// Unwrap returns the underlying error.
func (e *RecordError) Unwrap() error { return e.Err }

// decodeRecord fills m from r without validating it. The reserved headers'
// values and the key share one string allocation; user headers get a map
// only when there are some; the payload is the record's value, not copied.
// A header given twice is an error (the message cannot represent it); a
// missing or invalid header is left as it is for the handler to judge: the
// router generates a missing correlation id (or refuses it when strict)
// and reports a missing type.
func decodeRecord(r *kgo.Record, m *events.Message) error {
	var typ, id, corr []byte
	var seen [3]bool
	size, users := len(r.Key), 0
	for i := range r.Headers {
		h := &r.Headers[i]
		var slot int
		switch h.Key {
		case events.HeaderType:
			typ, slot = h.Value, 0
		case events.HeaderEventID:
			id, slot = h.Value, 1
		case events.HeaderCorrelationID:
			corr, slot = h.Value, 2
		default:
			users++
			continue
		}
		if seen[slot] {
			return &events.ValidationError{Field: "header", Value: h.Key, Reason: "given more than once"}
		}
		seen[slot] = true
		size += len(h.Value)
	}
	var sb strings.Builder
	sb.Grow(size)
	sb.Write(r.Key)
	sb.Write(typ)
	sb.Write(id)
	sb.Write(corr)
	s := sb.String()
	n := len(r.Key)
	m.Key, s = s[:n], s[n:]
	m.Type, s = s[:len(typ)], s[len(typ):]
	m.EventID, s = s[:len(id)], s[len(id):]
	m.CorrelationID = s
	m.Topic = r.Topic
	m.Payload = r.Value
	m.Timestamp = r.Timestamp
	m.Headers = nil
	if users > 0 {
		m.Headers = make(map[string]string, users)
		for i := range r.Headers {
			h := &r.Headers[i]
			switch h.Key {
			case events.HeaderType, events.HeaderEventID, events.HeaderCorrelationID:
				continue
			}
			if _, dup := m.Headers[h.Key]; dup {
				return &events.ValidationError{Field: "header", Value: h.Key, Reason: "given more than once"}
			}
			m.Headers[h.Key] = string(h.Value)
		}
	}
	return nil
}
