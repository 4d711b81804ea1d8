package memevents

import (
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/events"
)

// ErrInvalidConfig is wrapped by every error about an option of [New] or
// of this package's constructors; an invalid option of package events
// wraps events.ErrInvalidOption as well.
var ErrInvalidConfig = errors.New("memevents: invalid configuration")

// optionErr wraps err with ErrInvalidConfig when it is an error of
// package events about an option.
func optionErr(err error) error {
	if errors.Is(err, events.ErrInvalidOption) {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return err
}
