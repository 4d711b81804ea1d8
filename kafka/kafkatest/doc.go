// Package kafkatest helps services test their Kafka side without Docker:
// an in-process broker (franz-go's kfake, speaking the real Kafka
// protocol) or the real broker named by HEXKIT_KAFKA_BROKERS, topics that
// are created for one test and deleted after it, and [Broker.ExpectEvents],
// which checks the events a block of code published.
//
// A test typically does:
//
//	b := kafkatest.New(t)                 // kfake, or the real broker from env
//	topic := b.Topic(t, "orders", 1)      // unique, deleted after the test
//	c := b.Open(t, "shop")                // a *kafka.Client, closed after the test
//	pub, _ := kafka.NewPublisher[OrderPlaced](c, topic)
//	b.ExpectEvents(t, topic, func() {
//		// code that publishes
//	}, kafkatest.Event("order-1", OrderPlaced{ID: "order-1"}))
package kafkatest
