// Package handoff lets package events give the messages a typed publisher
// built to a driver that would otherwise copy them.
//
// A driver that keeps what it is sent (the in-memory broker stores it)
// must copy it, since a caller of events.Sender may reuse its messages and
// payloads once Send returns. A typed publisher's messages are different:
// it built them, headers and payloads included, for one call and keeps no
// reference, so the driver may keep them as they are.
package handoff

import (
	"context"

	"github.com/hexkit-go/hexkit/events/driver"
)

// Sender is implemented by a driver.Sender that can take over messages
// instead of copying them.
type Sender interface {
	// SendOwned is driver.Sender.Send for messages that nothing but the
	// driver will reference once it is called: their headers and payloads
	// are the driver's to keep.
	SendOwned(ctx context.Context, msgs []*driver.Message, errs []error) error
}
