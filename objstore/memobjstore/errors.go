package memobjstore

import (
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/objstore"
)

// ErrInvalidConfig is wrapped, together with objstore.ErrInvalidOption, by
// every error about an [Option]: a nil clock, an address [New] cannot
// listen on, or an invalid objstore option given through
// [WithStoreOptions].
var ErrInvalidConfig = errors.New("memobjstore: invalid config")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrInvalidConfig, objstore.ErrInvalidOption, fmt.Sprintf(format, args...))
}
