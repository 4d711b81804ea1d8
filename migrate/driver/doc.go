// Package driver is the small interface a migrations provider implements
// for package migrate: the version records and the lock document of one
// version collection. Services do not import it; they call a provider's
// constructor (memmigrate.NewMigrator, mongomigrate.NewMigrator).
//
// Package migrate plans the steps, times them, runs the lease and decides
// every rule; a driver stores and reads records and the lock, and maps its
// errors, nothing more: every error it returns wraps one of its sentinels
// (a failed request [ErrUnavailable], a document it cannot decode
// [ErrCorrupt]) or is the context's error. Each method must be safe for
// concurrent use, also from several processes sharing one database, and
// must return the caller's context error unwrapped when the context is
// done.
package driver
