// Package calc is the domain core of the streamcalc example: it solves
// arithmetic problems and reports the outcome through an outbound port. It
// knows nothing of events, topics or Kafka.
package calc

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// Reporter is the outbound port through which the calculator reports
// results. The eventio package implements it with events.
type Reporter interface {
	// ReportSuccess reports the result of a solved problem.
	ReportSuccess(ctx context.Context, problemID string, result float64) error
	// ReportFailure reports why a problem could not be solved.
	ReportFailure(ctx context.Context, problemID, reason string) error
}

// Reasons given for unsolvable problems.
const (
	ReasonDivisionByZero = "division by zero"
	ReasonNotFinite      = "the result is not a finite number"
	ReasonInvalidInput   = "an operand is not a finite number"
)

// ErrNoProblemID reports a problem without an id: there would be nobody to
// report the outcome to.
var ErrNoProblemID = errors.New("calc: problem without an id")

// Calculator solves problems and reports every outcome, success or
// failure. An unsolvable problem (division by zero, overflow) is a failure
// report, not an error: only a failing Reporter makes a method return an
// error, so the caller can retry.
type Calculator struct {
	out Reporter
}

// New returns a Calculator that reports through out.
func New(out Reporter) *Calculator {
	return &Calculator{out: out}
}

// Multiply solves multiplier × multiplicand.
func (c *Calculator) Multiply(ctx context.Context, problemID string, multiplier, multiplicand float64) error {
	return c.solve(ctx, problemID, multiplier, multiplicand, func(a, b float64) (float64, string) {
		return a * b, ""
	})
}

// Divide solves dividend ÷ divisor.
func (c *Calculator) Divide(ctx context.Context, problemID string, dividend, divisor float64) error {
	return c.solve(ctx, problemID, dividend, divisor, func(a, b float64) (float64, string) {
		if b == 0 {
			return 0, ReasonDivisionByZero
		}
		return a / b, ""
	})
}

func (c *Calculator) solve(ctx context.Context, problemID string, a, b float64, op func(a, b float64) (float64, string)) error {
	if problemID == "" {
		return ErrNoProblemID
	}
	reason := ""
	var result float64
	switch {
	case !finite(a) || !finite(b):
		reason = ReasonInvalidInput
	default:
		result, reason = op(a, b)
		if reason == "" && !finite(result) {
			reason = ReasonNotFinite
		}
	}
	var err error
	if reason != "" {
		err = c.out.ReportFailure(ctx, problemID, reason)
	} else {
		err = c.out.ReportSuccess(ctx, problemID, result)
	}
	if err != nil {
		return fmt.Errorf("calc: reporting problem %s: %w", problemID, err)
	}
	return nil
}

func finite(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }
