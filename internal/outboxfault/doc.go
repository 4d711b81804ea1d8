// Package outboxfault holds the outbox's fault tests on servers of their
// own: a writer process killed (SIGKILL) again and again while it writes
// through an outbox DAO, and a broker stopped while the writes go on. Each
// test then reads the whole topic back and checks that the last published
// state of every document is its stored state (nothing lost) and that the
// events of one document never go back in its history (order kept).
//
// It has no code besides its tests; they need the real servers
// (scripts/servers), from which they start private ones.
package outboxfault
