package eventstest

import (
	"errors"
	"sync"
	"testing"

	"github.com/hexkit-go/hexkit/events"
)

// Run runs the events conformance suite against the implementation that
// newHarness builds. Every case is a parallel subtest with its own harness
// (closed at the end of the subtest) and its own topics and groups. A
// failure names the rule of the protocol that was broken.
func Run(t *testing.T, newHarness func(t *testing.T) Harness, f Features) {
	cases := []suiteCase{
		{"RoundTrip", testRoundTrip},
		{"RoutingByType", testRoutingByType},
		{"MetadataAndHeaders", testMetadataAndHeaders},
		{"CorrelationID", testCorrelationID},
		{"PerKeyOrder", testPerKeyOrder},
		{"TwoGroupsBothReceive", testTwoGroups},
		{"GroupMembersSplit", testGroupSplit},
		{"RedeliveryAfterError", testRedelivery},
		{"RedeliveryAfterPanic", testPanicRedelivered},
		{"DeliveriesAreCopies", testDeliveriesAreCopies},
		{"DrainTimeout", testDrainTimeout},
		{"DrainTimeoutAfterClose", testDrainTimeoutAfterClose},
		{"ResumeAfterRestart", testResumeAfterRestart},
		{"ContextCancellation", testContextCancellation},
		{"Close", testClose},
		{"Concurrency", testConcurrency},
		{"BadInputOnPublish", testBadInputOnPublish},
		{"BadPayloadOnDelivery", testBadPayloadOnDelivery},
		{"MissingHeaders", testMissingHeaders},
		{"TopicNames", testTopicNames},
		{"GroupNames", testGroupNames},
		{"MissingTopic", testMissingTopic},
		{"EmptyKey", testEmptyKey},
		{"PointerEventType", testPointerEventType},
		{"WaitIdle", testWaitIdle},
		{"RecorderExpect", testRecorderExpect},
		{"RunAfterClose", testRunAfterClose},
		{"MessageTooLarge", testMessageTooLarge},
		{"FirstSendAtLimit", testFirstSendAtLimit},
	}
	runCases(t, newHarness, f, cases)
}

// RunFailure runs the failure-handling suite against the implementation
// that newHarness builds: an [events.FailureHandler] in front of a router,
// on the implementation's subscriber, with the implementation's sender as
// dead letter queue. It checks retries (attempt numbers, panics), dead
// letters (headers, acknowledgement only after the dead letter), the retry
// topic, poison messages, the stop without a dead letter queue, and that a
// failing partition does not hold up the others. Like [Run], every case is
// a parallel subtest with its own harness, topics and groups.
func RunFailure(t *testing.T, newHarness func(t *testing.T) Harness, f Features) {
	cases := []suiteCase{
		{"RetryThenSuccess", testRetryThenSuccess},
		{"DeadLetterAfterRetries", testDeadLetterAfterRetries},
		{"PanicIsAFailure", testPanicIsAFailure},
		{"FailingSubsetToDLQ", testFailingSubset},
		{"PoisonPayload", testPoisonPayload},
		{"PoisonHeaders", testPoisonHeaders},
		{"StopWithoutDLQ", testStopWithoutDLQ},
		{"ReplayThroughRetryTopic", testReplay},
		{"OtherPartitionsFlow", testOtherPartitionsFlow},
	}
	runCases(t, newHarness, f, cases)
}

// suiteCase is one rule of a suite, checked by fn.
type suiteCase struct {
	name string
	fn   func(e *env)
}

// runCases runs every case as a parallel subtest with a fresh harness,
// closed when the subtest ends.
func runCases(t *testing.T, newHarness func(t *testing.T) Harness, f Features, cases []suiteCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h == nil {
				t.Fatal("newHarness returned nil")
			}
			var once sync.Once
			t.Cleanup(func() {
				once.Do(func() {
					if err := h.Close(); err != nil && !errors.Is(err, events.ErrClosed) {
						t.Errorf("Harness.Close() = %v", err)
					}
				})
			})
			c.fn(&env{t: t, h: h, f: f})
		})
	}
}
