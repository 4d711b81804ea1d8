package driver_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// TestRecordSize checks RecordSize against the largest payloads that
// Apache Kafka (and kfake) accepted through the kafka provider with
// kafka.Config.MaxMessageSize set to limit, as the first send of a fresh
// client, for messages of type "t" with fresh ids and the key and user
// headers of each shape: one payload byte more was refused with
// events.ErrMessageTooLarge.
func TestRecordSize(t *testing.T) {
	headers := func(n, nameLen int) map[string]string {
		h := map[string]string{}
		for i := range n {
			h[fmt.Sprintf("%0*d", nameLen, i)] = ""
		}
		return h
	}
	tests := []struct {
		limit      int
		key        string
		headers    map[string]string
		maxPayload int
	}{
		{1 << 20, "k", nil, 1048394},
		{1 << 20, "", nil, 1048395},
		{1 << 20, strings.Repeat("k", 300), nil, 1048094},
		{1 << 20, "k", headers(20, 5), 1048254},
		{1 << 20, "k", headers(3, 100), 1048085},
		{100000, "k", nil, 99818},
		{100000, "k", headers(20, 5), 99678},
		{10000, "k", nil, 9818},
		{10000, "k", headers(3, 100), 9509},
		{600, "k", nil, 420},
		{600, strings.Repeat("k", 300), nil, 120},
		{600, "k", headers(20, 5), 280},
	}
	for _, tt := range tests {
		m := &driver.Message{Topic: "t", Key: tt.key, Type: "t", EventID: events.NewEventID(),
			CorrelationID: events.NewEventID(), Headers: tt.headers}
		m.Payload = make([]byte, tt.maxPayload)
		fits := driver.RecordSize(m)
		m.Payload = make([]byte, tt.maxPayload+1)
		over := driver.RecordSize(m)
		if fits > tt.limit || over <= tt.limit {
			t.Errorf("limit %d, key of %d bytes, %d headers: RecordSize = %d with the largest payload Kafka accepted (%d bytes), %d with one byte more; want <= %d, then more",
				tt.limit, len(tt.key), len(tt.headers), fits, tt.maxPayload, over, tt.limit)
		}
	}
	// The reserved header names count with their length in package events:
	// batch framing, the record's length (2 bytes), attributes and deltas,
	// empty key and payload, the header count, then each header's name and
	// value behind their lengths.
	m := &driver.Message{Type: "t", EventID: events.NewEventID(), CorrelationID: events.NewEventID()}
	names := len(events.HeaderType) + len(events.HeaderEventID) + len(events.HeaderCorrelationID)
	if got, want := driver.RecordSize(m), 65+2+3+1+1+1+3*2+names+1+36+36; got != want {
		t.Errorf("RecordSize of an empty message = %d, want %d", got, want)
	}
}
