package memoutbox_test

import (
	"testing"

	"github.com/hexkit-go/hexkit/outbox/outboxtest"
)

func TestConformance(t *testing.T) {
	outboxtest.Run(t, func(t *testing.T) outboxtest.Harness {
		return outboxtest.NewMemHarness(t, outboxtest.NewMemBroker(t))
	})
}
