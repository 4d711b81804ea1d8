package memevents

import (
	"context"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/driver"
)

// SendRaw stores msgs without validating them, as a foreign producer
// could; for the conformance suite's missing-header cases.
func (b *Broker) SendRaw(ctx context.Context, msgs ...*events.Message) error {
	dm := make([]*driver.Message, len(msgs))
	for i, m := range msgs {
		dm[i] = (*driver.Message)(m)
	}
	errs := make([]error, len(msgs))
	if err := (*sender)(b).Send(ctx, dm, errs); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return &events.BatchError{Errs: errs}
		}
	}
	return nil
}
