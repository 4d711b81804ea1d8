package kafka

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Admin manages topics, for tests and tools. Services normally get their
// topics from operations, not from code.
type Admin struct {
	cl    *kgo.Client
	adm   *kadm.Client
	owned bool
}

// NewAdmin builds an Admin with its own client from cfg; Close closes it.
func NewAdmin(cfg Config) (*Admin, error) {
	opts, err := cfg.clientOptions()
	if err != nil {
		return nil, err
	}
	cl, err := newClient(opts)
	if err != nil {
		return nil, err
	}
	return &Admin{cl: cl, adm: kadm.NewClient(cl), owned: true}, nil
}

// NewAdminFromClient builds an Admin on a client the caller owns.
func NewAdminFromClient(cl *kgo.Client) (*Admin, error) {
	if cl == nil {
		return nil, configErr("nil *kgo.Client")
	}
	return &Admin{cl: cl, adm: kadm.NewClient(cl)}, nil
}

// TopicSpec describes a topic to create.
type TopicSpec struct {
	Name       string
	Partitions int32             // default 1
	Replicas   int16             // default: the broker's default
	Configs    map[string]string // topic configs, e.g. "retention.ms"
}

// CreateTopics creates the topics and returns once the brokers know them.
// A topic that exists already fails with [ErrTopicExists]; the others are
// still created, and the errors are joined.
func (a *Admin) CreateTopics(ctx context.Context, topics ...TopicSpec) error {
	var errs []error
	for _, t := range topics {
		parts := t.Partitions
		if parts <= 0 {
			parts = 1
		}
		repl := t.Replicas
		if repl <= 0 {
			repl = -1
		}
		var configs map[string]*string
		if len(t.Configs) > 0 {
			configs = make(map[string]*string, len(t.Configs))
			for k, v := range t.Configs {
				configs[k] = &v
			}
		}
		resp, err := a.adm.CreateTopic(ctx, parts, repl, configs, t.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			errs = append(errs, mapError(err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return a.waitForTopics(ctx, topics)
}

// waitForTopics polls metadata until every topic has a leader for all of
// its partitions, so producing right after CreateTopics does not race the
// broker's propagation.
func (a *Admin) waitForTopics(ctx context.Context, topics []TopicSpec) error {
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.Name
	}
	for {
		md, err := a.adm.Metadata(ctx, names...)
		if err == nil && topicsReady(md.Topics, names) {
			return nil
		}
		if !sleep(ctx, nil, 50*time.Millisecond) {
			return ctx.Err()
		}
	}
}

func topicsReady(td kadm.TopicDetails, names []string) bool {
	for _, n := range names {
		t, ok := td[n]
		if !ok || t.Err != nil || len(t.Partitions) == 0 {
			return false
		}
		for _, p := range t.Partitions {
			if p.Err != nil || p.Leader < 0 {
				return false
			}
		}
	}
	return true
}

// DeleteTopics deletes the topics. Topics that do not exist are ignored.
func (a *Admin) DeleteTopics(ctx context.Context, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	resps, err := a.adm.DeleteTopics(ctx, topics...)
	if err != nil {
		return mapError(err)
	}
	var errs []error
	for _, r := range resps.Sorted() {
		if r.Err != nil && !errors.Is(mapError(r.Err), ErrTopicNotFound) {
			errs = append(errs, mapError(r.Err))
		}
	}
	return errors.Join(errs...)
}

// TopicExists reports whether topic exists.
func (a *Admin) TopicExists(ctx context.Context, topic string) (bool, error) {
	md, err := a.adm.Metadata(ctx, topic)
	if err != nil {
		return false, mapError(err)
	}
	t, ok := md.Topics[topic]
	if !ok || t.Err != nil {
		if ok && !errors.Is(mapError(t.Err), ErrTopicNotFound) {
			return false, mapError(t.Err)
		}
		return false, nil
	}
	return true, nil
}

// Close closes the client if the Admin built it.
func (a *Admin) Close() {
	if a.owned {
		a.cl.Close()
	}
}

// As reaches the franz-go clients behind the Admin: target must be a
// **kgo.Client or a **kadm.Client.
func (a *Admin) As(target any) bool {
	switch c := target.(type) {
	case **kgo.Client:
		*c = a.cl
	case **kadm.Client:
		*c = a.adm
	default:
		return false
	}
	return true
}
