package driver

import "errors"

// The sentinel errors of the outbox protocol that only it defines, declared
// here and re-exported by package outbox. The DAO side of an outbox
// collection returns the sentinels of package dao/driver.
var (
	// ErrLeaseHeld: a publication was asked for while the relay lease is
	// held by another relay, which publishes the pending changes itself.
	ErrLeaseHeld = errors.New("outbox: relay lease held by another relay")
	// ErrInvalidOption: a constructor option or argument is invalid.
	ErrInvalidOption = errors.New("outbox: invalid option")
	// ErrClosed: the relay was closed or its Run has returned.
	ErrClosed = errors.New("outbox: relay closed")
)
