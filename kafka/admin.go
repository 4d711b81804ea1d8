package kafka

import (
	"context"
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/hexkit-go/hexkit/events"
)

// TopicSpec describes a topic to create.
type TopicSpec struct {
	Name       string // a valid topic name (events.ValidateTopic)
	Partitions int32  // default (0 or less) 1
	Replicas   int16  // default (0 or less): the broker's default
	// Configs are topic configs, e.g. "retention.ms". A config the
	// brokers refuse (an unknown name, a value of the wrong form) fails
	// the topic with [ErrInvalidConfig]. CreateTopics checks the values of
	// retention.ms (a whole number >= -1), retention.bytes (a whole
	// number), delete.retention.ms and min.compaction.lag.ms (>= 0),
	// segment.ms (>= 1), max.message.bytes (a 32-bit number >= 0),
	// min.insync.replicas (a 32-bit number >= 1) and cleanup.policy
	// (compact, delete, or both, comma-separated) itself, with Apache
	// Kafka's rules, so that the in-process broker of package kafkatest
	// refuses them too; it stores any other name and value, which only a
	// real broker checks.
	Configs map[string]string
}

// CreateTopics creates the topics and returns once the brokers' metadata
// gives every partition of each created topic a leader. Each name is
// checked first with events.ValidateTopic, Kafka's rule: an invalid name
// fails with an error wrapping events.ErrInvalidMessage and is not sent to
// the brokers, so the in-process broker of package kafkatest refuses the
// names a real broker refuses; configs are checked as [TopicSpec].Configs
// says. A topic that exists already fails with
// events.ErrTopicExists. The other topics are still created (and waited
// for), and the errors are joined, in the order of topics. On a closed
// Client CreateTopics fails with events.ErrClosed and creates nothing.
func (c *Client) CreateTopics(ctx context.Context, topics ...TopicSpec) error {
	if c.isClosed() {
		return errClientClosed
	}
	var errs []error
	created := make([]string, 0, len(topics))
	for _, t := range topics {
		if err := events.ValidateTopic(t.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := checkTopicConfigs(t.Configs); err != nil {
			errs = append(errs, err)
			continue
		}
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
		resp, err := c.adm.CreateTopic(ctx, parts, repl, configs, t.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			errs = append(errs, mapError(err))
			continue
		}
		created = append(created, t.Name)
	}
	if err := c.awaitTopics(ctx, created, topicReady); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// DeleteTopics deletes the topics and returns once the brokers' metadata
// no longer lists them. Topics that do not exist are ignored, and so are
// invalid names (events.ValidateTopic), which no topic can have. On a
// closed Client DeleteTopics fails with events.ErrClosed and deletes
// nothing.
func (c *Client) DeleteTopics(ctx context.Context, topics ...string) error {
	if c.isClosed() {
		return errClientClosed
	}
	valid := make([]string, 0, len(topics))
	for _, t := range topics {
		if events.ValidateTopic(t) == nil {
			valid = append(valid, t)
		}
	}
	if len(valid) == 0 {
		return nil
	}
	resps, err := c.adm.DeleteTopics(ctx, valid...)
	if err != nil {
		return mapError(err)
	}
	var errs []error
	deleted := make([]string, 0, len(valid))
	for _, r := range resps.Sorted() {
		err := mapError(r.Err)
		switch {
		case err == nil:
			deleted = append(deleted, r.Topic)
		case !errors.Is(err, events.ErrTopicNotFound):
			errs = append(errs, err)
		}
	}
	if err := c.awaitTopics(ctx, deleted, topicGone); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// TopicExists reports whether topic exists, by asking the brokers (not
// the client's cached metadata), so it sees at once what this or another
// client just created or deleted. An invalid name (events.ValidateTopic)
// fails with an error wrapping events.ErrInvalidMessage, without asking
// the brokers; on a closed Client TopicExists fails with events.ErrClosed.
func (c *Client) TopicExists(ctx context.Context, topic string) (bool, error) {
	if c.isClosed() {
		return false, errClientClosed
	}
	if err := events.ValidateTopic(topic); err != nil {
		return false, err
	}
	md, err := c.topicMetadata(ctx, []string{topic})
	if err != nil {
		return false, err
	}
	t, ok := md[topic]
	if !ok {
		return false, nil
	}
	switch err := mapError(kerr.ErrorForCode(t.ErrorCode)); {
	case err == nil:
		return true, nil
	case errors.Is(err, events.ErrTopicNotFound):
		return false, nil
	default:
		return false, err
	}
}

// topicMetadata asks the brokers for the metadata of topics, bypassing
// the client's metadata cache (whose answers may be 250ms old), and
// returns the topics of the answer by name.
func (c *Client) topicMetadata(ctx context.Context, topics []string) (map[string]kmsg.MetadataResponseTopic, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = false
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, c.cl)
	if err != nil {
		return nil, mapError(err)
	}
	md := make(map[string]kmsg.MetadataResponseTopic, len(resp.Topics))
	for _, t := range resp.Topics {
		if t.Topic != nil {
			md[*t.Topic] = t
		}
	}
	return md, nil
}

// awaitTopics polls the brokers' metadata every 50ms until done holds for
// every topic of names, so producing right after CreateTopics, or creating
// again right after DeleteTopics, does not race the broker's propagation.
func (c *Client) awaitTopics(ctx context.Context, names []string, done func(kmsg.MetadataResponseTopic, bool) bool) error {
	if len(names) == 0 {
		return nil
	}
	for {
		md, err := c.topicMetadata(ctx, names)
		if errors.Is(err, events.ErrClosed) {
			return err
		}
		if err == nil && allTopics(md, names, done) {
			return nil
		}
		if !sleep(ctx, nil, 50*time.Millisecond) {
			return ctx.Err()
		}
	}
}

func allTopics(md map[string]kmsg.MetadataResponseTopic, names []string, done func(kmsg.MetadataResponseTopic, bool) bool) bool {
	for _, n := range names {
		t, ok := md[n]
		if !done(t, ok) {
			return false
		}
	}
	return true
}

// topicReady: the topic is known and each of its partitions has a leader.
func topicReady(t kmsg.MetadataResponseTopic, ok bool) bool {
	if !ok || t.ErrorCode != 0 || len(t.Partitions) == 0 {
		return false
	}
	for _, p := range t.Partitions {
		if p.ErrorCode != 0 || p.Leader < 0 {
			return false
		}
	}
	return true
}

// topicGone: the brokers no longer know the topic.
func topicGone(t kmsg.MetadataResponseTopic, ok bool) bool {
	return !ok || errors.Is(kerr.ErrorForCode(t.ErrorCode), kerr.UnknownTopicOrPartition)
}
