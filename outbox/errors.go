package outbox

import "github.com/hexkit-go/hexkit/outbox/driver"

// Sentinel errors of the outbox protocol. The DAO methods of an outbox DAO
// return the sentinels of package dao (dao.ErrNotFound, ...); events that
// cannot be stored fail with those of package events.
var (
	// ErrLeaseHeld: PublishPending or Republish was called while another
	// relay (of another service instance) holds the relay lease. That relay
	// publishes the pending changes; nothing is lost.
	ErrLeaseHeld = driver.ErrLeaseHeld
	// ErrInvalidOption: a constructor argument or option is invalid.
	ErrInvalidOption = driver.ErrInvalidOption
	// ErrClosed: a DAO or publisher was built, or a publication asked
	// for, on a relay whose Run has returned. Writes through DAOs and
	// publishers built before still succeed; their changes wait for the
	// relay of another instance.
	ErrClosed = driver.ErrClosed
)
