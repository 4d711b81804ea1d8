package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
	"github.com/hexkit-go/hexkit/wiring"
)

// demoProblem is one problem the demo submits.
type demoProblem struct {
	text   string
	submit func(ctx context.Context, mul events.Publisher[eventio.MultiplicationProblem], div events.Publisher[eventio.DivisionProblem], id string) error
}

func multiply(a, b float64) demoProblem {
	return demoProblem{
		text: fmt.Sprintf("%g × %g", a, b),
		submit: func(ctx context.Context, mul events.Publisher[eventio.MultiplicationProblem], _ events.Publisher[eventio.DivisionProblem], id string) error {
			return mul.Publish(ctx, id, eventio.MultiplicationProblem{ProblemID: id, Multiplier: a, Multiplicand: b})
		},
	}
}

func divide(a, b float64) demoProblem {
	return demoProblem{
		text: fmt.Sprintf("%g ÷ %g", a, b),
		submit: func(ctx context.Context, _ events.Publisher[eventio.MultiplicationProblem], div events.Publisher[eventio.DivisionProblem], id string) error {
			return div.Publish(ctx, id, eventio.DivisionProblem{ProblemID: id, Dividend: a, Divisor: b})
		},
	}
}

var demoProblems = []demoProblem{multiply(6, 7), divide(10, 4), multiply(2.5, -4), divide(1, 0)}

// runDemo submits the demo problems as events, waits for the service's
// answers on the output topic and prints them in the order asked.
func runDemo(ctx context.Context, cfg Config, b *wiring.Broker, out io.Writer, logger *slog.Logger) error {
	mul, err := wiring.NewPublisher[eventio.MultiplicationProblem](b, cfg.ProblemsTopic)
	if err != nil {
		return err
	}
	div, err := wiring.NewPublisher[eventio.DivisionProblem](b, cfg.ProblemsTopic)
	if err != nil {
		return err
	}

	// Problem ids are unique to this run, so answers to earlier runs left on
	// a Kafka topic are told apart.
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	ids := make([]string, len(demoProblems))
	index := make(map[string]int, len(demoProblems))
	for i := range demoProblems {
		ids[i] = fmt.Sprintf("demo-%s-%d", run, i+1)
		index[ids[i]] = i
	}

	var mu sync.Mutex
	answers := make([]string, len(demoProblems))
	missing := len(demoProblems)
	allIn := make(chan struct{})
	record := func(id, answer string) {
		mu.Lock()
		defer mu.Unlock()
		i, ok := index[id]
		if !ok || answers[i] != "" {
			return // another run's answer, or a redelivery
		}
		answers[i] = answer
		if missing--; missing == 0 {
			close(allIn)
		}
	}
	r := events.NewRouter(events.WithLogger(logger))
	events.Handle(r, cfg.OutputTopic, func(ctx context.Context, d events.Delivery[eventio.CalcSuccess]) error {
		record(d.Event.ProblemID, "= "+strconv.FormatFloat(d.Event.Result, 'g', -1, 64))
		return nil
	})
	events.Handle(r, cfg.OutputTopic, func(ctx context.Context, d events.Delivery[eventio.CalcFailure]) error {
		record(d.Event.ProblemID, "failed: "+d.Event.Reason)
		return nil
	})
	listen, err := b.NewSubscriber(cfg.ServiceName+"-demo", r, events.WithLogger(logger))
	if err != nil {
		return err
	}
	listenCtx, stopListening := context.WithCancel(ctx)
	listened := make(chan error, 1)
	go func() { listened <- listen.Run(listenCtx) }()
	defer func() { stopListening(); <-listened }()

	for i, p := range demoProblems {
		pctx := hexkit.WithCorrelationID(ctx, hexkit.NewCorrelationID())
		if err := p.submit(pctx, mul, div, ids[i]); err != nil {
			return fmt.Errorf("streamcalc: submitting %s: %w", p.text, err)
		}
	}
	logger.InfoContext(ctx, "demo problems submitted", "count", len(demoProblems))

	timer := time.NewTimer(cfg.DemoTimeout)
	defer timer.Stop()
	select {
	case <-allIn:
	case <-timer.C:
		return fmt.Errorf("streamcalc: the demo got %d of %d answers within %s",
			len(demoProblems)-missingCount(&mu, &missing), len(demoProblems), cfg.DemoTimeout)
	case <-ctx.Done():
		return ctx.Err()
	}
	mu.Lock()
	defer mu.Unlock()
	for i, p := range demoProblems {
		if _, err := fmt.Fprintf(out, "%s %s\n", p.text, answers[i]); err != nil {
			return err
		}
	}
	return nil
}

func missingCount(mu *sync.Mutex, n *int) int {
	mu.Lock()
	defer mu.Unlock()
	return *n
}
