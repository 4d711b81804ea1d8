package outboxtest

import "testing"

// Run runs the outbox conformance suite against the provider that
// newHarness builds. Every case is a parallel subtest with a harness of its
// own and names (collections, stores, topics) of its own; a failure names
// the rule of the protocol that was broken.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	cases := []struct {
		name string
		fn   func(e *env)
	}{
		{"InsertPublishesUpserted", testInsertPublishes},
		{"EveryWritePublishes", testEveryWritePublishes},
		{"LatestStateOnly", testLatestStateOnly},
		{"CorrelationID", testCorrelationID},
		{"IntKeys", testIntKeys},
		{"UUIDKeys", testUUIDKeys},
		{"IDNotAKeyRefused", testIDNotAKey},
		{"Tombstones", testTombstones},
		{"TombstoneFreesUniqueValue", testTombstoneUnique},
		{"Versioned", testVersioned},
		{"Unique", testUnique},
		{"PublishPendingOnlyPending", testPublishPendingOnlyPending},
		{"PublishPendingBatches", testPublishPendingBatches},
		{"Republish", testRepublish},
		{"WriteDuringPass", testWriteDuringPass},
		{"RelayPublishesWrites", testRelayPublishesWrites},
		{"RelayPublishesOtherInstancesWrites", testRelayPollsOtherInstances},
		{"BrokerDown", testBrokerDown},
		{"PartialBatchFailure", testPartialBatchFailure},
		{"OrderUnderFailures", testOrderUnderFailures},
		{"LeaseOneHolder", testLeaseOneHolder},
		{"LeaseOnePublisherAtATime", testLeaseExclusive},
		{"LeaseTakeoverAfterShutdown", testTakeoverAfterShutdown},
		{"LeaseTakeoverAfterDeath", testTakeoverAfterDeath},
		{"LeaseTakeoverKeepsOrder", testTakeoverKeepsOrder},
		{"GracefulShutdown", testGracefulShutdown},
		{"RunTwice", testRunTwice},
		{"ClosedRelay", testClosedRelay},
		{"InvalidRelayOptions", testInvalidRelayOptions},
		{"InvalidDAOArguments", testInvalidDAOArguments},
		{"SharedCollection", testSharedCollection},
		{"PersistentStoreThenSend", testPersistentStoreThenSend},
		{"PersistentIDsPreserved", testPersistentIDs},
		{"PersistentRepublishAll", testPersistentRepublishAll},
		{"PersistentCompaction", testPersistentCompaction},
		{"PersistentRepublishOneTopic", testPersistentRepublishOneTopic},
		{"PersistentInvalidEvents", testPersistentInvalid},
		{"PersistentSharedStore", testPersistentSharedStore},
		{"PersistentRelayRun", testPersistentRelayRun},
		{"PersistentBrokerDown", testPersistentBrokerDown},
		{"PersistentPartialFailure", testPersistentPartialFailure},
		{"PersistentInvalidArguments", testPersistentInvalidArguments},
		{"HandleChangesMirror", testMirror},
		{"HandleChangesIntIDs", testMirrorIntIDs},
		{"HandleChangesUUIDIDs", testMirrorUUIDIDs},
		{"HandleChangesBadKey", testHandleBadKey},
		{"HandleChangesBadPayload", testHandleBadPayload},
		{"Cancellation", testCancellation},
		{"SendDeadline", testSendDeadline},
		{"LongPassRenewsLease", testLongPass},
		{"ConcurrentPublishPending", testConcurrentPublishPending},
		{"LeaseNames", testLeaseNames},
		{"RelayLogsFailures", testRelayLogsFailures},
		{"PersistentStrictCorrelationID", testStrictPublisher},
		{"HandleChangesSetup", testHandleChangesSetup},
		{"PersistentTooLarge", testPersistentTooLarge},
		{"PersistentPayloads", testPersistentPayloads},
		{"DAOTooLarge", testDAOTooLarge},
		{"RefusedForGood", testRefusedForGood},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if h == nil {
				t.Fatal("newHarness returned nil")
			}
			c.fn(&env{t: t, h: h})
		})
	}
}
