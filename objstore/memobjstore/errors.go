package memobjstore

import (
	"errors"
	"fmt"

	"github.com/hexkit-go/hexkit/objstore"
)

// ErrInvalidConfig is wrapped, together with objstore.ErrInvalidOption, by
// every error about an [Option]: a nil clock, or an address [New] cannot
// listen on. An invalid objstore option given through [WithStoreOptions]
// fails with objstore.ErrInvalidOption.
var ErrInvalidConfig = errors.New("memobjstore: invalid config")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrInvalidConfig, objstore.ErrInvalidOption, fmt.Sprintf(format, args...))
}
