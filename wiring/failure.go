package wiring

import (
	"time"

	"github.com/hexkit-go/hexkit/events"
)

// maxRetryBackoff caps the doubling retry wait of [Events.FailureOptions].
const maxRetryBackoff = time.Minute

// FailureOptions returns the options of an events.FailureHandler that the
// section's failure keys describe, with a dead letter sender on b when
// kafka_enable_dlq is set:
//
//   - kafka_max_retries: retries after the first attempt
//     (events.WithAttempts(n+1)); unset, the events default;
//   - kafka_retry_backoff: the wait before the first retry, doubling for
//     each further one up to a minute (a number is seconds); zero, the
//     events default;
//   - kafka_enable_dlq: failed events go to the dead letter topic
//     (events.WithDLQ); without it a failure stops the subscriber;
//   - kafka_dlq_topic: that topic. Default dlq.
//
// Pass them with the service's handler to events.NewFailureHandler.
func (e Events) FailureOptions(b *Broker) ([]events.FailureOption, error) {
	var opts []events.FailureOption
	if e.KafkaMaxRetries != nil {
		opts = append(opts, events.WithAttempts(*e.KafkaMaxRetries+1))
	}
	if d := e.KafkaRetryBackoff; d > 0 {
		opts = append(opts, events.WithBackoff(d, max(d, maxRetryBackoff), 0))
	}
	if e.KafkaEnableDLQ {
		s, err := b.NewSender()
		if err != nil {
			return nil, err
		}
		opts = append(opts, events.WithDLQ(s))
	}
	if e.KafkaDLQTopic != "" {
		opts = append(opts, events.WithDLQTopic(e.KafkaDLQTopic))
	}
	return opts, nil
}
