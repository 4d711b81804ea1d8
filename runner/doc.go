// Package runner runs a service's components together: subscribers, an
// HTTP server, relays, anything with Run(ctx) error.
//
//	r, err := runner.New(runner.WithHealthAddr(":8081"))
//	r.Add("subscriber", sub)              // events.Subscriber
//	r.Add("http", runner.HTTPServer(srv, ln))
//	r.AddCheck("backends", backends.Ready) // stores answer
//	if err := r.Run(ctx); err != nil {    // until SIGINT/SIGTERM or a failure
//		fmt.Fprintln(os.Stderr, err)
//		os.Exit(1)
//	}
//
// # Semantics
//
// Run starts every component in its own goroutine with a context that
// carries the values of Run's context. It stops them all, by cancelling
// that context, on the first of: SIGINT or SIGTERM ([WithSignals]), the
// end of Run's context, or the return of any component. Components then
// drain (a subscriber stops fetching, finishes its handlers, commits and
// leaves its group) within the drain timeout ([WithDrainTimeout]). A
// runner without components waits for the signal or the end of Run's
// context all the same.
//
// Run returns nil after a graceful stop: a signal or the end of Run's
// context, or a component that returned nil, followed by a drain in
// which no component failed. It returns the failure of the first
// component that failed (the one that stopped the others, if any), and
// of every other component that failed during the drain, each naming its
// component, joined; context.Canceled from a component after the stop is
// no failure. A drain that outlasts its timeout adds an error wrapping
// [ErrDrainTimeout] naming the components still running; Run then
// returns without waiting for them.
//
// # Health
//
// [Runner.Handler] serves GET /livez, 200 while Run runs (the drain
// included, so that a liveness probe does not kill a service that is
// shutting down), and GET /readyz, 200 once the service is ready: every
// component that has a Ready(ctx) error method ([Readier], such as the
// subscribers of package wiring, ready once they joined their consumer
// group) and every check added with [Runner.AddCheck] return nil; else
// 503 with the reasons, one per line. They are asked concurrently, and
// one that has not answered within the check timeout ([WithCheckTimeout])
// counts as not ready. /livez answers 503 before Run and
// after it returned; /readyz answers 503 before Run and from the moment
// the drain starts.
// [WithHealthAddr] serves the handler on an address while Run runs.
package runner
