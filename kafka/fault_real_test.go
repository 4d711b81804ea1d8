package kafka_test

import (
	"testing"

	"github.com/hexkit-go/hexkit/kafka"
)

// TestRealBrokerRestartLosesNothing stops and restarts a private Apache
// Kafka in the middle of a stream: publishing resumes once it is back, the
// subscriber rejoins and resumes from its committed offsets, and every
// message is handled.
func TestRealBrokerRestartLosesNothing(t *testing.T) {
	t.Parallel()
	k := startOwnKafka(t)
	restartMidStream(t, kafka.Config{Brokers: k.brokers(), ServiceName: "restart-svc"}, func() {
		k.down(t)
		k.up(t)
	})
}
