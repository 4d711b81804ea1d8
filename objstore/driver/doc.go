// Package driver is the contract between the objstore protocol and its
// providers. Services do not import it: they hold an objstore.Store, which a
// provider's constructor returns. A provider implements [Store] and hands it
// to objstore.New, the bridge that wraps it in the portable layer.
//
// The portable layer does everything providers share, once: it validates
// bucket and object ids, sizes, ranges, part numbers, expiries and metadata;
// it refuses what a real S3 server would refuse before the driver is
// called; it runs the multipart checks, streams Put in parts, verifies
// checksums, tells a missing bucket from a missing object, and refuses
// calls after Close. A driver receives valid arguments, translates them for
// its backend and maps its backend's errors to the sentinels of this
// package, in one function.
//
// # Errors
//
// Every error a driver returns for a refusal wraps one of the sentinels
// declared here (objstore re-exports them under the same names), together
// with the backend's own error so that errors.As still reaches it:
//
//	fmt.Errorf("%w: %w", driver.ErrObjectNotFound, err)
//
// Context errors are returned unwrapped.
package driver
