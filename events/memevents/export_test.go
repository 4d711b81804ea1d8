package memevents

import (
	"context"

	"github.com/hexkit-go/hexkit/events"
)

// SendRaw stores msgs without validating them, as a foreign producer
// could; for the conformance suite's missing-header cases.
func (b *Broker) SendRaw(ctx context.Context, msgs ...*events.Message) error {
	return b.send(ctx, false, msgs)
}
