// Package examples holds runnable example services, one per subdirectory,
// written as hexkit intends: a domain core behind ports, translators between
// those ports and hexkit's protocols, and wiring that picks the providers.
//
//   - streamcalc: an arithmetic service that answers problems arriving as
//     events with result events. `go run ./examples/streamcalc` runs it on
//     the in-memory broker; `-backend kafka` runs it on Apache Kafka.
package examples
