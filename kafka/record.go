package kafka

import (
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// encodeRecords translates valid messages into records: key = ASCII key
// (the empty key is sent as an empty, non-null key, as Python hexkit does,
// so it is hashed to a partition like any other key), value = payload,
// headers type, event_id, correlation_id and the user's headers. Every
// record of one call shares three allocations (records, headers, bytes), so
// a batch costs the same few allocations whatever its size. The payloads
// are not copied.
func encodeRecords(msgs []*driver.Message) []kgo.Record {
	nHeaders, nBytes := 0, 0
	for _, m := range msgs {
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
		r := &recs[i]
		r.Topic = m.Topic
		r.Value = m.Payload
		start := len(buf)
		buf = append(buf, m.Key...)
		r.Key = buf[start:len(buf):len(buf)]
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

// reserved returns the values of r's reserved headers and the number of
// user headers. A header given twice is an error: a message cannot
// represent it.
func reserved(r *kgo.Record) (typ, id, corr []byte, users int, err error) {
	var seen [3]bool
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
		if seen[slot] && err == nil {
			err = &events.ValidationError{Field: "header", Value: h.Key, Reason: "given more than once"}
		}
		seen[slot] = true
	}
	return typ, id, corr, users, err
}

// decodeBatch turns the records of one fetch into messages without
// validating them, in one pass: one allocation for all messages, one
// string per message holding its key and reserved header values (sliced),
// a map per message with user headers; payloads are the records' values,
// not copied. The strings are copies on purpose: a service that keeps an
// event id (say, to drop duplicates) keeps those few bytes, not the whole
// fetch buffer behind the record. errs is nil, or errs[i] says why recs[i]
// cannot be a message; a missing or invalid header is left as it is for
// the handler to judge: the router generates a missing correlation id (or
// refuses it when strict) and refuses a missing type.
func decodeBatch(recs []*kgo.Record) (msgs []driver.Message, errs []error) {
	msgs = make([]driver.Message, len(recs))
	for i, r := range recs {
		typ, id, corr, users, err := reserved(r)
		m := &msgs[i]
		var sb strings.Builder
		sb.Grow(len(r.Key) + len(typ) + len(id) + len(corr))
		sb.Write(r.Key)
		sb.Write(typ)
		sb.Write(id)
		sb.Write(corr)
		s := sb.String()
		m.Key, s = s[:len(r.Key)], s[len(r.Key):]
		m.Type, s = s[:len(typ)], s[len(typ):]
		m.EventID, m.CorrelationID = s[:len(id)], s[len(id):]
		m.Topic = r.Topic
		m.Payload = r.Value
		m.Timestamp = r.Timestamp
		if users > 0 {
			m.Headers = make(map[string]string, users)
			for j := range r.Headers {
				h := &r.Headers[j]
				switch h.Key {
				case events.HeaderType, events.HeaderEventID, events.HeaderCorrelationID:
					continue
				}
				if _, dup := m.Headers[h.Key]; dup && err == nil {
					err = &events.ValidationError{Field: "header", Value: h.Key, Reason: "given more than once"}
				}
				m.Headers[h.Key] = string(h.Value)
			}
		}
		if err != nil {
			if errs == nil {
				errs = make([]error, len(recs))
			}
			errs[i] = &RecordError{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Err: err}
		}
	}
	return msgs, errs
}
