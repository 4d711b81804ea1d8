// Package kafka will be the Apache Kafka provider of the events protocol,
// built on franz-go.
//
// This package is a placeholder: it has no code yet.
package kafka
