package runner

import "errors"

var (
	// ErrDrainTimeout is wrapped by Run's error when components did not
	// return within the drain timeout after the stop.
	ErrDrainTimeout = errors.New("runner: drain timeout")
	// ErrInvalidOption is wrapped by New's error for an invalid option.
	ErrInvalidOption = errors.New("runner: invalid option")
	// ErrRunning is returned by a second call of Run, and by Add and
	// AddCheck once Run started.
	ErrRunning = errors.New("runner: already running")
)
