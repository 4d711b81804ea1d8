package events

import (
	"context"
	"fmt"

	"github.com/hexkit-go/hexkit/events/driver"
)

// NewSender returns the [Sender] over a provider's driver: it validates
// every message and reports per message. It is for providers; services
// call a provider's constructor (kafka.NewSender, memevents.NewSender).
func NewSender(d driver.Sender) (Sender, error) {
	if d == nil {
		return nil, invalidOption("NewSender: nil driver")
	}
	return &sender{d: d}, nil
}

type sender struct{ d driver.Sender }

// errNilMessage fails a nil entry of a Send call.
var errNilMessage = &ValidationError{Field: "message", Value: "<nil>", Reason: "nil message"}

func (s *sender) Send(ctx context.Context, msgs ...*Message) error {
	if len(msgs) == 0 {
		return ctx.Err()
	}
	errs := make([]error, len(msgs))
	valid := make([]*driver.Message, 0, len(msgs))
	var idx []int // idx[j] is the index in msgs of valid[j]; nil while they coincide
	for i, m := range msgs {
		var err error = errNilMessage
		if m != nil {
			err = m.Validate()
		}
		if err != nil {
			if idx == nil {
				idx = identity(len(valid), len(msgs))
			}
			errs[i] = err
			continue
		}
		valid = append(valid, (*driver.Message)(m))
		if idx != nil {
			idx = append(idx, i)
		}
	}
	if err := send(ctx, s.d, valid, errs, idx); err != nil {
		return err
	}
	return batchResult(errs)
}

// send hands msgs to d and spreads the per-message errors over errs (the
// error of msgs[j] goes to errs[idx[j]], or errs[j] when idx is nil). It
// returns the error of the call as a whole (the context's, also when ctx
// ended before the call) when every message was valid (idx nil);
// otherwise that error becomes the error of each valid message, so that
// the refused ones are still reported. The batch is validated before
// send is called, so a done context never hides an invalid message.
func send(ctx context.Context, d driver.Sender, msgs []*driver.Message, errs []error, idx []int) error {
	if len(msgs) == 0 {
		return nil
	}
	derrs := errs
	if idx != nil {
		derrs = make([]error, len(msgs))
	}
	err := ctx.Err()
	if err == nil {
		err = d.Send(ctx, msgs, derrs)
	}
	if err != nil {
		if idx == nil {
			return err
		}
		for j := range derrs {
			derrs[j] = err
		}
	}
	if idx != nil {
		for j, err := range derrs {
			if err != nil {
				errs[idx[j]] = err
			}
		}
	}
	return nil
}

// identity returns the index map of a batch at its first refused message:
// idx[j] = j for the n messages taken so far, with room for capacity.
func identity(n, capacity int) []int {
	idx := make([]int, n, capacity)
	for j := range idx {
		idx[j] = j
	}
	return idx
}

// batchResult returns nil when no entry of errs is set, otherwise a
// *BatchError holding errs.
func batchResult(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return &BatchError{Errs: errs}
		}
	}
	return nil
}

// invalidOption returns an error wrapping ErrInvalidOption.
func invalidOption(msg string) error {
	return fmt.Errorf("%w: %s", ErrInvalidOption, msg)
}
