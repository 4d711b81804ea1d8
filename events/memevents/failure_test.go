package memevents_test

import (
	"testing"

	"github.com/hexkit-go/hexkit/events/eventstest"
)

// TestFailureHandling runs the failure-handling suite (retries, dead
// letters, retry topic, poison messages) on the in-memory broker.
func TestFailureHandling(t *testing.T) {
	eventstest.RunFailure(t, newHarness, eventstest.Features{RawSend: true})
}
