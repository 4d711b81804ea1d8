package memevents_test

import (
	"testing"

	"github.com/hexkit-go/hexkit/events/eventstest"
	"github.com/hexkit-go/hexkit/events/memevents"
)

// TestFailureHandling runs the failure-handling suite (retries, dead
// letters, retry topic, poison messages) on the in-memory broker.
func TestFailureHandling(t *testing.T) {
	eventstest.RunFailure(t, func(t *testing.T) eventstest.Harness {
		b, err := memevents.New(memevents.WithPartitions(4))
		if err != nil {
			t.Fatal(err)
		}
		return &harness{b: b}
	}, eventstest.Features{RawSend: true})
}
