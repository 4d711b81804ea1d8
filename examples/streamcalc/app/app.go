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

// Transport is the event provider the service runs on, chosen by
// cfg.Backend: the in-memory broker or a Kafka client. Publishers and
// subscribers come from the provider's constructors, which return the same
// events.Publisher and events.Subscriber and take the same options.
type Transport struct {
	broker *memevents.Broker
	kafka  *kafka.Client
}

// NewTransport opens the provider cfg.Backend names.
func NewTransport(ctx context.Context, cfg Config) (*Transport, error) {
	switch cfg.Backend {
	case BackendMemory:
		broker, err := memevents.New()
		if err != nil {
			return nil, err
		}
		for _, t := range []string{cfg.ProblemsTopic, cfg.OutputTopic} {
			if err := broker.CreateTopic(t, 3); err != nil && !errors.Is(err, events.ErrTopicExists) {
				_ = broker.Close()
				return nil, err
			}
		}
		return &Transport{broker: broker}, nil
	case BackendKafka:
		kcfg := kafka.Config{Brokers: cfg.Brokers, ServiceName: cfg.ServiceName, InstanceID: cfg.InstanceID}
		client, err := kafka.Open(ctx, kcfg)
		if err != nil {
			return nil, err
		}
		if cfg.CreateTopics {
			if err := createTopics(ctx, client, cfg.ProblemsTopic, cfg.OutputTopic); err != nil {
				_ = client.Close(ctx)
				return nil, err
			}
		}
		return &Transport{kafka: client}, nil
	}
	return nil, fmt.Errorf("%w: unknown backend %q", ErrConfig, cfg.Backend)
}

// NewPublisher returns the transport's publisher of E events to topic.
func NewPublisher[E events.Event](t *Transport, topic string) (events.Publisher[E], error) {
	if t.kafka != nil {
		return kafka.NewPublisher[E](t.kafka, topic)
	}
	return memevents.NewPublisher[E](t.broker, topic)
}

// NewSubscriber returns a member of group on the transport that hands
// messages to h.
func (t *Transport) NewSubscriber(group string, h events.MessageHandler, opts ...events.SubscriberOption) (events.Subscriber, error) {
	if t.kafka != nil {
		return kafka.NewSubscriber(t.kafka, group, h, opts...)
	}
	return memevents.NewSubscriber(t.broker, group, h, opts...)
}

// Close releases the provider after every subscriber returned.
func (t *Transport) Close(ctx context.Context) error {
	if t.kafka != nil {
		return t.kafka.Close(ctx)
	}
	return t.broker.Close()
}

// NewRouter wires the domain core to the transport: problems arriving on
// cfg.ProblemsTopic are solved by a calc.Calculator whose results are
// published on cfg.OutputTopic.
func NewRouter(cfg Config, tr *Transport, logger *slog.Logger) (*events.Router, error) {
	success, err := NewPublisher[eventio.CalcSuccess](tr, cfg.OutputTopic)
	if err != nil {
		return nil, err
	}
	failure, err := NewPublisher[eventio.CalcFailure](tr, cfg.OutputTopic)
	if err != nil {
		return nil, err
	}
	r := events.NewRouter(events.WithLogger(logger))
	eventio.RegisterProblemHandlers(r, cfg.ProblemsTopic, calc.New(eventio.NewResultPublisher(success, failure)))
	return r, nil
}

func createTopics(ctx context.Context, client *kafka.Client, topics ...string) error {
	for _, t := range topics {
		ok, err := client.TopicExists(ctx, t)
		if err != nil {
			return fmt.Errorf("streamcalc: checking topic %s: %w", t, err)
		}
		if !ok {
			if err := client.CreateTopics(ctx, kafka.TopicSpec{Name: t, Partitions: 3}); err != nil {
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
	tr, err := NewTransport(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := tr.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = cerr
		}
	}()
	r, err := NewRouter(cfg, tr, logger)
	if err != nil {
		return err
	}
	sub, err := tr.NewSubscriber(cfg.ServiceName, r, events.WithLogger(logger))
	if err != nil {
		return err
	}

	svcCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = sub.Run(svcCtx) })
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
