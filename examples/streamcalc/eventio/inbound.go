package eventio

import (
	"context"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/streamcalc/calc"
)

// Solver is the inbound port of the domain core, as the translator needs it.
// *calc.Calculator implements it.
type Solver interface {
	Multiply(ctx context.Context, problemID string, multiplier, multiplicand float64) error
	Divide(ctx context.Context, problemID string, dividend, divisor float64) error
}

var _ Solver = (*calc.Calculator)(nil)

// RegisterProblemHandlers routes the problem events of topic to s. An error
// from s (the result could not be reported) is returned to the subscriber,
// which redelivers the event.
func RegisterProblemHandlers(r *events.Router, topic string, s Solver) {
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[MultiplicationProblem]) error {
		return s.Multiply(ctx, d.Event.ProblemID, d.Event.Multiplier, d.Event.Multiplicand)
	})
	events.Handle(r, topic, func(ctx context.Context, d events.Delivery[DivisionProblem]) error {
		return s.Divide(ctx, d.Event.ProblemID, d.Event.Dividend, d.Event.Divisor)
	})
}
