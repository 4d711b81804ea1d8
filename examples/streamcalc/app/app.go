package app

import (
	"context"
	"io"
	"log/slog"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/examples/streamcalc/calc"
	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
	"github.com/hexkit-go/hexkit/runner"
	"github.com/hexkit-go/hexkit/wiring"
)

// NewRouter wires the domain core to the broker: problems arriving on
// cfg.ProblemsTopic are solved by a calc.Calculator whose results are
// published on cfg.OutputTopic.
func NewRouter(cfg Config, b *wiring.Broker, logger *slog.Logger) (*events.Router, error) {
	success, err := wiring.NewPublisher[eventio.CalcSuccess](b, cfg.OutputTopic)
	if err != nil {
		return nil, err
	}
	failure, err := wiring.NewPublisher[eventio.CalcFailure](b, cfg.OutputTopic)
	if err != nil {
		return nil, err
	}
	r := events.NewRouter(events.WithLogger(logger))
	eventio.RegisterProblemHandlers(r, cfg.ProblemsTopic, calc.New(eventio.NewResultPublisher(success, failure)))
	return r, nil
}

// Run runs the service until ctx ends or SIGINT/SIGTERM, or, in demo
// mode, until the demo problems are answered; it writes the demo's results
// to out. It returns after every component drained and the provider
// closed: nil after a graceful stop, else the first failure. cfg is
// expected to come from Load, which checked it.
func Run(ctx context.Context, cfg Config, out io.Writer, logger *slog.Logger) (err error) {
	logger = slog.New(hexkit.NewLogHandler(logger.Handler(), cfg.ServiceName, cfg.ServiceInstanceID))
	b, err := wiring.Open(ctx, cfg.Service, wiring.WithEvents(cfg.Events))
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := b.Events.EnsureTopics(ctx, cfg.CreateTopics, 3, cfg.ProblemsTopic, cfg.OutputTopic); err != nil {
		return err
	}
	r, err := NewRouter(cfg, b.Events, logger)
	if err != nil {
		return err
	}
	sub, err := b.Events.NewSubscriber(cfg.ServiceName, r, events.WithLogger(logger))
	if err != nil {
		return err
	}

	run, err := runner.New(append(cfg.Config.Options(), runner.WithLogger(logger))...)
	if err != nil {
		return err
	}
	_ = run.Add("subscriber", sub)
	_ = run.AddCheck("events", b.Ready)
	if cfg.DemoMode() {
		_ = run.Add("demo", runner.Func(func(ctx context.Context) error {
			return runDemo(ctx, cfg, b.Events, out, logger)
		}))
	}
	logger.InfoContext(ctx, "streamcalc running", "backend", b.Events.Backend(),
		"problems_topic", cfg.ProblemsTopic, "output_topic", cfg.OutputTopic)
	err = run.Run(ctx)
	logger.InfoContext(ctx, "streamcalc stopped")
	return err
}
