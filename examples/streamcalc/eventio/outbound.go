package eventio

import (
	"context"

	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/streamcalc/calc"
)

// ResultPublisher implements the calculator's Reporter port by publishing
// CalcSuccess and CalcFailure events, keyed by problem id. The correlation
// id of the incoming problem travels through ctx onto the result.
type ResultPublisher struct {
	success events.Publisher[CalcSuccess]
	failure events.Publisher[CalcFailure]
}

var _ calc.Reporter = (*ResultPublisher)(nil)

// NewResultPublisher returns a ResultPublisher that sends through the two
// publishers, which a provider built for the output topic
// (memevents.NewPublisher, kafka.NewPublisher).
func NewResultPublisher(success events.Publisher[CalcSuccess], failure events.Publisher[CalcFailure]) *ResultPublisher {
	return &ResultPublisher{success: success, failure: failure}
}

// ReportSuccess publishes a CalcSuccess event.
func (p *ResultPublisher) ReportSuccess(ctx context.Context, problemID string, result float64) error {
	return p.success.Publish(ctx, problemID, CalcSuccess{ProblemID: problemID, Result: result})
}

// ReportFailure publishes a CalcFailure event.
func (p *ResultPublisher) ReportFailure(ctx context.Context, problemID, reason string) error {
	return p.failure.Publish(ctx, problemID, CalcFailure{ProblemID: problemID, Reason: reason})
}
