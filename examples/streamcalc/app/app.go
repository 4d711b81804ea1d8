package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/hexkit-go/hexkit"
	"github.com/hexkit-go/hexkit/events"
	"github.com/hexkit-go/hexkit/events/memevents"
	"github.com/hexkit-go/hexkit/examples/streamcalc/calc"
	"github.com/hexkit-go/hexkit/examples/streamcalc/eventio"
	"github.com/hexkit-go/hexkit/kafka"
)

// Transport is what the service needs of an event provider: a sender and a
// way to run a subscriber for a consumer group.
type Transport struct {
	Sender events.Sender
	// Subscribe returns the Run function of a subscriber of group to the
	// router's topics. Run returns after a graceful drain once ctx ends.
	Subscribe func(group string, r *events.Router) (run func(ctx context.Context) error, err error)
	// Close releases the provider after every subscriber returned.
	Close func(ctx context.Context) error
}

// NewRouter wires the domain core to the transport's sender: problems
// arriving on cfg.ProblemsTopic are solved by a calc.Calculator whose
// results are published on cfg.OutputTopic.
func NewRouter(cfg Config, sender events.Sender, logger *slog.Logger) (*events.Router, error) {
	out, err := eventio.NewResultPublisher(sender, cfg.OutputTopic)
	if err != nil {
		return nil, err
	}
	r := events.NewRouter(events.WithLogger(logger))
	eventio.RegisterProblemHandlers(r, cfg.ProblemsTopic, calc.New(out))
	return r, nil
}

// NewTransport opens the provider cfg.Backend names.
func NewTransport(ctx context.Context, cfg Config, logger *slog.Logger) (*Transport, error) {
	switch cfg.Backend {
	case BackendMemory:
		broker, err := memevents.New(memevents.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		return &Transport{
			Sender: broker,
			Subscribe: func(group string, r *events.Router) (func(context.Context) error, error) {
				sub, err := broker.NewSubscriber(group, r)
				if err != nil {
					return nil, err
				}
				return sub.Run, nil
			},
			Close: func(context.Context) error { return broker.Close() },
		}, nil
	case BackendKafka:
		kcfg := kafka.Config{Brokers: cfg.Brokers, ServiceName: cfg.ServiceName, InstanceID: cfg.InstanceID}
		if cfg.CreateTopics {
			if err := createTopics(ctx, kcfg, cfg.ProblemsTopic, cfg.OutputTopic); err != nil {
				return nil, err
			}
		}
		pub, err := kafka.NewPublisher(kcfg)
		if err != nil {
			return nil, err
		}
		return &Transport{
			Sender: pub,
			Subscribe: func(group string, r *events.Router) (func(context.Context) error, error) {
				c := kcfg
				c.ServiceName = group
				sub, err := kafka.NewSubscriber(c, r.Topics(), r, kafka.WithLogger(logger))
				if err != nil {
					return nil, err
				}
				return sub.Run, nil
			},
			Close: pub.Close,
		}, nil
	}
	return nil, fmt.Errorf("%w: unknown backend %q", ErrConfig, cfg.Backend)
}

func createTopics(ctx context.Context, kcfg kafka.Config, topics ...string) error {
	admin, err := kafka.NewAdmin(kcfg)
	if err != nil {
		return err
	}
	defer admin.Close()
	for _, t := range topics {
		ok, err := admin.TopicExists(ctx, t)
		if err != nil {
			return fmt.Errorf("streamcalc: checking topic %s: %w", t, err)
		}
		if !ok {
			if err := admin.CreateTopics(ctx, kafka.TopicSpec{Name: t, Partitions: 3}); err != nil {
				return fmt.Errorf("streamcalc: creating topic %s: %w", t, err)
			}
		}
	}
	return nil
}

// Run runs the service until ctx ends, or, in demo mode, until the demo
// problems are answered; it writes the demo's results to out. It returns
// after every subscriber drained and the provider closed.
func Run(ctx context.Context, cfg Config, out io.Writer, logger *slog.Logger) (err error) {
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger = slog.New(hexkit.NewLogHandler(logger.Handler(), cfg.ServiceName, cfg.InstanceID))
	tr, err := NewTransport(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := tr.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = cerr
		}
	}()
	r, err := NewRouter(cfg, tr.Sender, logger)
	if err != nil {
		return err
	}
	run, err := tr.Subscribe(cfg.ServiceName, r)
	if err != nil {
		return err
	}

	svcCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = run(svcCtx) })
	logger.InfoContext(ctx, "streamcalc running", "backend", cfg.Backend,
		"problems_topic", cfg.ProblemsTopic, "output_topic", cfg.OutputTopic)

	if cfg.Demo {
		err = runDemo(svcCtx, cfg, tr, out, logger)
		stop()
	} else {
		<-svcCtx.Done()
	}
	wg.Wait()
	stop()
	logger.InfoContext(ctx, "streamcalc stopped")
	return errors.Join(err, runErr)
}
